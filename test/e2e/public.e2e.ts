import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { sampleResidentId } from '../../scripts/sample-ids';
import { HTTP_ERROR_LOG, PHONE, expectClean, fitsWidth, launchBrowser, openTab, seriousA11yViolations, type PortalTab, readmeScreenshot } from './support/browser';
import { startPortal, type Portal } from './support/portal';
import { decodeQrPng, digestOf, payloadOf, qrVersionAtM, qrVideo, tamper } from './public-fixtures';


interface Issued {
  id: string;
  credential: string;
  blockNumber: number;
}

const CHECKS = ['format', 'signature', 'issuer', 'anchor', 'status', 'validity'];

/** Makes the tab's verify requests answer 503 LEDGER_UNAVAILABLE, as a gateway whose ledger is down does. */
async function ledgerUnavailableOnVerify(tab: PortalTab): Promise<void> {
  await tab.page.route('**/api/v1/verify', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'ledger unavailable', code: 'LEDGER_UNAVAILABLE' }),
    }),
  );
}


describe('public pages: verify, credential, short link, login (Chromium)', function () {
  let portal: Portal;
  let issuerToken: string;
  let cert: Issued;
  let issuerName: string;
  let householdTitle: string;
  /** Console lines the page causes while an endpoint the lead is adding is still missing (a 404 it handles). */

  async function issue(idNumber = sampleResidentId()): Promise<Issued> {
    const r = await portal.call('POST', '/api/v1/certificates', {
      token: issuerToken,
      body: {
        type: 'low-income-household',
        holder: { idNumber, name: '张三' },
        claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: '北京市东城区' },
      },
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body as Issued;
  }

  async function verdictOf(tab: PortalTab, valid: boolean) {
    const verdict = tab.page.locator(`[data-testid="verdict"][data-valid="${valid}"]`);
    await verdict.waitFor({ timeout: 30_000 });
    return verdict;
  }

  async function okOf(tab: PortalTab, name: string): Promise<string | null> {
    return tab.page.getByTestId(`check-${name}`).getAttribute('data-ok');
  }

  before(async function () {
    portal = await startPortal();
    issuerToken = await portal.token({ sub: 'clerk-e2e', org: 'civil', roles: ['issuer'] });
    cert = await issue();
    const issuers = await portal.call('GET', '/api/v1/issuers');
    issuerName = (issuers.body.items as Array<{ mspId: string; name: string }>).find((i) => i.mspId === 'CivilAffairsMSP')?.name ?? '';
    expect(issuerName).to.not.equal('');
    const types = await portal.call('GET', '/api/v1/certificate-types');
    const type = (types.body.items as Array<{ type: string; schema: any }>).find((t) => t.type === 'low-income-household');
    const schemaTitle: unknown = type?.schema?.properties?.householdSize?.title;
    // The page shows the schema's title (its Chinese part when bilingual), or its own name for the seeded field.
    householdTitle = typeof schemaTitle === 'string' ? schemaTitle.split(/\s+(?=[A-Za-z])/)[0] : '家庭人口';
  });
  after(async function () {
    await portal?.close();
  });

  it('verifies a pasted credential: valid, all six checks passed, with type, claims, issuer, status and anchor block', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/verify');
    await tab.page.getByTestId('verify-input').fill(cert.credential);
    await tab.page.getByTestId('verify-submit').click();
    const verdict = await verdictOf(tab, true);
    for (const name of CHECKS) expect(await okOf(tab, name), name).to.equal('true');
    expect(await tab.page.getByTestId('verdict-type').innerText()).to.include('低保');
    expect(await tab.page.getByTestId('verdict-issuer').innerText()).to.equal(issuerName);
    expect(await tab.page.getByTestId('verdict-status').innerText()).to.include('有效');
    expect(await tab.page.getByTestId('verdict-block').innerText()).to.include(String(cert.blockNumber));
    expect(await tab.page.getByTestId('verdict-holder').innerText()).to.equal('张三');
    const claims = await tab.page.getByTestId('verdict-claims').innerText();
    expect(claims).to.include(householdTitle).and.include('北京市东城区').and.include('980.00');
    // Each check is told in plain words, not as the gateway's English detail.
    expect(await tab.page.getByTestId('check-anchor').innerText()).to.match(/账本/);
    expect(await verdict.innerText()).to.not.include('digest matches');
    await readmeScreenshot(tab.page.getByTestId('verdict'), 'verify');
    expectClean(tab);
    await tab.close();
  });

  it('verifies /verify#vc=<JWS> on load, and names the failed signature check of a tampered credential', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto(`/verify#vc=${cert.credential}`);
    await verdictOf(tab, true);
    expect(await tab.page.getByTestId('verify-input').inputValue()).to.equal(cert.credential);

    const forged = tamper(cert.credential, (p) => {
      p.credentialSubject.region = '北京市西城区';
    });
    await tab.page.goto('/verify');
    await tab.page.goto(`/verify#vc=${forged}`);
    await verdictOf(tab, false);
    expect(await okOf(tab, 'format')).to.equal('true');
    expect(await okOf(tab, 'signature')).to.equal('false');
    expect(await tab.page.getByTestId('check-signature').innerText()).to.match(/改动/);
    // A forged credential's claims are never shown as if they were the certificate's.
    expect(await tab.page.getByTestId('verdict-claims').count()).to.equal(0);
    expect(await tab.page.locator('[data-testid="verdict"]').innerText()).to.not.include('西城区');
    expectClean(tab);
    await tab.close();
  });

  it('shows a revoked credential as not valid, with the status and its reason in plain words', async function () {
    const revoked = await issue();
    const r = await portal.call('POST', `/api/v1/certificates/${revoked.id}/revoke`, { token: issuerToken, body: { reasonCode: 'eligibility-ended' } });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto(`/verify#vc=${revoked.credential}`);
    const verdict = await verdictOf(tab, false);
    expect(await okOf(tab, 'signature')).to.equal('true');
    expect(await okOf(tab, 'anchor')).to.equal('true');
    expect(await okOf(tab, 'status')).to.equal('false');
    expect(await tab.page.getByTestId('verdict-status').innerText()).to.include('已撤销').and.include('资格已终止');
    expect(await verdict.innerText()).to.include('已被签发机关撤销');
    expectClean(tab);
    await tab.close();
  });

  it('checks the holder when the verifier gives the ID number of the person presenting the credential', async function () {
    const idNumber = sampleResidentId();
    const mine = await issue(idNumber);
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/verify');
    await tab.page.getByTestId('verify-input').fill(mine.credential);
    await tab.page.getByText('同时核对持证人').click();
    await tab.page.getByLabel('持证人身份证号').fill(idNumber);
    await tab.page.getByTestId('verify-submit').click();
    await verdictOf(tab, true);
    expect(await okOf(tab, 'holder')).to.equal('true');

    let other = sampleResidentId();
    while (other === idNumber) other = sampleResidentId();
    await tab.page.getByLabel('持证人身份证号').fill(other);
    await tab.page.getByTestId('verify-submit').click();
    await verdictOf(tab, false);
    expect(await okOf(tab, 'holder')).to.equal('false');
    expectClean(tab);
    await tab.close();
  });

  it('verifies a .jwt file picked with the file input or dropped on the page', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/verify');
    await tab.page.getByTestId('verify-file').setInputFiles({ name: `${cert.id}.jwt`, mimeType: 'application/jwt', buffer: Buffer.from(`${cert.credential}\n`) });
    await verdictOf(tab, true);
    for (const name of CHECKS) expect(await okOf(tab, name), name).to.equal('true');

    const other = await issue();
    await tab.page.goto('/verify');
    // A file dragged from the desktop arrives as a drop event carrying a DataTransfer with the file.
    const dropped = await tab.page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(other.credential)}], 'other.jwt', { type: 'application/jwt' })); return dt; })()`,
    );
    await tab.page.getByTestId('verify-drop').dispatchEvent('drop', { dataTransfer: dropped });
    await verdictOf(tab, true);
    expect(await tab.page.getByTestId('verify-input').inputValue()).to.equal(other.credential);
    expectClean(tab);
    await tab.close();
  });

  it('says the credential cannot be checked now, never "invalid", when the ledger is unreachable', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await ledgerUnavailableOnVerify(tab);
    await tab.page.goto('/verify');
    await tab.page.getByTestId('verify-input').fill(cert.credential);
    await tab.page.getByTestId('verify-submit').click();
    await tab.page.getByTestId('verify-unreachable').waitFor();
    expect(await tab.page.locator('[data-testid="verdict"]').count()).to.equal(0);
    expect(await tab.page.locator('[data-valid="false"]').count()).to.equal(0);
    expect(await tab.page.getByTestId('verify-unreachable').innerText()).to.include('不表示证照无效');

    // A network failure is the same: no answer is not a "no".
    await tab.page.unroute('**/api/v1/verify');
    await tab.page.route('**/api/v1/verify', (route) => route.abort('internetdisconnected'));
    await tab.page.getByTestId('verify-submit').click();
    await tab.page.getByTestId('verify-unreachable').waitFor();
    expect(await tab.page.locator('[data-valid="false"]').count()).to.equal(0);
    expectClean(tab, [HTTP_ERROR_LOG, /net::ERR_INTERNET_DISCONNECTED/]);
    await tab.close();
  });

  it('prints a QR code on the holder’s credential that decodes (≤ version 25) to a link whose page says valid', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto(`/credential#vc=${cert.credential}`);
    const qr = tab.page.getByTestId('credential-qr');
    await qr.waitFor();
    expect(await tab.page.getByTestId('credential-type').innerText()).to.include('低保');
    expect(await tab.page.getByTestId('credential-holder').innerText()).to.equal('张三');
    expect(await tab.page.getByTestId('credential-claims').innerText()).to.include(householdTitle).and.include('北京市东城区');
    expect(await tab.page.getByTestId('credential-number').innerText()).to.equal(cert.id);
    expect(await tab.page.getByTestId('credential-issuer').innerText()).to.equal(issuerName);
    await readmeScreenshot(tab.page, 'credential');

    const decoded = await decodeQrPng(await qr.screenshot());
    expect(decoded, 'QR codes read from the screenshot').to.have.length(1);
    const url = decoded[0].text;
    expect(url).to.equal(await qr.getAttribute('data-url'));
    expect(qrVersionAtM(url)).to.be.at.most(25);
    expect(Number.parseInt(decoded[0].version, 10)).to.be.at.most(25);
    // The gateway's publicBaseUrl, unless it is a loopback default (localhost:0 here): then the address the page came from.
    const configured = (await portal.call('GET', '/api/v1/portal')).body.publicBaseUrl as string;
    const publicBase = /^https?:\/\/(localhost|127\.)/.test(configured) ? portal.baseUrl : configured;
    expect(url.startsWith(publicBase), `${url} starts with ${publicBase}`).to.equal(true);
    // A real credential is too long for a readable code: the short link carries its id and digest.
    expect(url).to.match(/\/v\/[^/#]+#d=[0-9a-f]{64}$/);
    expect(url).to.include(`#d=${digestOf(cert.credential)}`);

    const download = tab.page.waitForEvent('download');
    await tab.page.getByTestId('credential-download').click();
    const file = await (await download).path();
    expect(fs.readFileSync(file, 'utf8')).to.equal(cert.credential);

    const target = new URL(url);
    await tab.page.goto(target.pathname + target.hash);
    await verdictOf(tab, true);
    expectClean(tab);
    await tab.close();
  });

  /**
   * Holds every `POST /api/v1/verify` of the tab until `release` is called;
   * `requested` settles once the page asked (or fails after 15 s if it never does).
   */
  async function holdVerify(tab: PortalTab): Promise<{ requested: Promise<void>; release: () => void }> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const seen = new Promise<void>((resolve) => (asked = resolve));
    await tab.page.route('**/api/v1/verify', async (route) => {
      asked();
      await held;
      await route.continue();
    });
    const requested = Promise.race([
      seen,
      new Promise<void>((_, reject) => setTimeout(() => reject(new Error('the page never asked the ledger (POST /api/v1/verify)')), 15_000)),
    ]);
    return { requested, release };
  }

  /** What must not be on a page that is not vouching for a credential: the document, its QR, its print and download, its footer. */
  async function expectNoDocument(tab: PortalTab, claimValue: string): Promise<void> {
    for (const id of ['credential', 'credential-qr', 'credential-claims', 'credential-print', 'credential-download']) {
      expect(await tab.page.getByTestId(id).count(), id).to.equal(0);
    }
    const text = await tab.page.locator('main').innerText();
    expect(text, 'a claim value shown').to.not.include(claimValue);
    // The verdict names its signature check 数字签名; the footer vouches for the document as 由签发机关数字签名.
    expect(text, 'the "digitally signed" footer').to.not.include('由签发机关数字签名');
    expect(await tab.page.locator('.certificate-foot').count(), 'the footer').to.equal(0);
  }

  it('shows a forged credential at /credential#vc= as failed verification, never as the document, and no document while the check runs', async function () {
    const forged = tamper(cert.credential, (p) => {
      p.credentialSubject.region = '北京市西城区';
    });
    const tab = await openTab(portal.browser, portal.baseUrl);
    const { requested, release } = await holdVerify(tab);
    await tab.page.goto(`/credential#vc=${forged}`);
    await requested;
    await tab.page.locator('main h1').first().waitFor();
    await tab.page.getByTestId('loading').first().waitFor();
    await expectNoDocument(tab, '西城区');
    release();
    await verdictOf(tab, false);
    expect(await okOf(tab, 'signature')).to.equal('false');
    expect(await tab.page.locator('main').innerText()).to.include('未通过核验');
    await expectNoDocument(tab, '西城区');
    expectClean(tab);
    await tab.close();
  });

  it('shows a credential whose payload nests 3,000 objects deep as failed verification, without crashing', async function () {
    const [header, , signature] = cert.credential.split('.');
    const payload = payloadOf(cert.credential);
    let deep: Record<string, unknown> = { end: '最深处' };
    for (let i = 0; i < 3000; i++) deep = { level: deep };
    payload.credentialSubject.nested = deep;
    const jws = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto(`/credential#vc=${jws}`);
    await verdictOf(tab, false);
    expect(await tab.page.locator('main').innerText()).to.include('未通过核验');
    await expectNoDocument(tab, '最深处');
    expectClean(tab);
    await tab.close();
  });

  it('shows a genuine credential as the document with its QR code only once the ledger has vouched for it', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    const { requested, release } = await holdVerify(tab);
    await tab.page.goto(`/credential#vc=${cert.credential}`);
    await requested;
    await tab.page.getByTestId('loading').first().waitFor();
    await expectNoDocument(tab, '北京市东城区');
    release();
    await tab.page.getByTestId('credential-qr').waitFor();
    expect(await tab.page.getByTestId('credential-verified').innerText()).to.include('真实有效');
    expect(await tab.page.getByTestId('credential-claims').innerText()).to.include('北京市东城区');
    expect(await tab.page.getByTestId('credential').innerText()).to.include('由签发机关数字签名');
    expect(await tab.page.getByTestId('credential-print').count()).to.equal(1);
    expectClean(tab);
    await tab.close();
  });

  it('says a credential cannot be checked now, and shows no document, when the ledger is unreachable', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await ledgerUnavailableOnVerify(tab);
    await tab.page.goto(`/credential#vc=${cert.credential}`);
    await tab.page.getByTestId('credential-unreachable').waitFor({ timeout: 15_000 });
    expect(await tab.page.getByTestId('credential-unreachable').innerText()).to.include('暂时无法核验').and.include('不表示证照无效');
    expect(await tab.page.locator('[data-testid="verdict"]').count()).to.equal(0);
    await expectNoDocument(tab, '北京市东城区');

    // No answer at all is the same; once the ledger answers, the retry shows the document.
    await tab.page.unroute('**/api/v1/verify');
    await tab.page.route('**/api/v1/verify', (route) => route.abort('internetdisconnected'));
    await tab.page.getByTestId('credential-unreachable-retry').click();
    await tab.page.getByTestId('credential-unreachable').waitFor();
    await expectNoDocument(tab, '北京市东城区');
    await tab.page.unroute('**/api/v1/verify');
    await tab.page.getByTestId('credential-unreachable-retry').click();
    await tab.page.getByTestId('credential-qr').waitFor();
    expectClean(tab, [HTTP_ERROR_LOG, /net::ERR_INTERNET_DISCONNECTED/]);
    await tab.close();
  });

  it('reads the failed verdict of a forged credential in English', async function () {
    const forged = tamper(cert.credential, (p) => {
      p.credentialSubject.householdSize = 9;
    });
    const tab = await openTab(portal.browser, portal.baseUrl, { lang: 'en' });
    await tab.page.goto(`/credential#vc=${forged}`);
    await verdictOf(tab, false);
    const text = await tab.page.locator('main').innerText();
    expect(text).to.include('Verification failed');
    expect(text).to.not.include('digitally signed by its issuer');
    expect(await tab.page.getByTestId('credential').count()).to.equal(0);
    expectClean(tab);
    await tab.close();
  });

  it('verifies a credential scanned with the camera', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-camera-'));
    const video = path.join(dir, 'qr.y4m');
    // The full link (version 30-odd): the densest code the camera path must read, and no short-link endpoint needed.
    fs.writeFileSync(video, qrVideo(`${portal.baseUrl}/verify#vc=${cert.credential}`, { size: 960 }));
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`, '--use-fake-ui-for-media-stream']);
      const tab = await openTab(browser, portal.baseUrl, { permissions: ['camera'] });
      await tab.page.goto('/verify');
      await tab.page.getByTestId('scan-start').click();
      await verdictOf(tab, true);
      for (const name of CHECKS) expect(await okOf(tab, name), name).to.equal('true');
      // The camera is off once a credential was read.
      await tab.page.getByTestId('scan-start').waitFor();
      expectClean(tab);
      await tab.close();
    } finally {
      await browser?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks a short link /v/<id>#d=<digest> against the ledger and says the claims need the full credential', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto(`/v/${encodeURIComponent(cert.id)}#d=${digestOf(cert.credential)}`);
    await verdictOf(tab, true);
    for (const name of ['anchor', 'issuer', 'status', 'validity']) expect(await okOf(tab, name), name).to.equal('true');
    expect(await tab.page.getByTestId('verdict-type').innerText()).to.include('低保');
    expect(await tab.page.getByTestId('claims-need-credential').innerText()).to.include('完整的电子证照');

    // The page takes the full credential; one that is not the linked certificate is refused, the right one is verified in full.
    const other = await issue();
    await tab.page.getByTestId('verify-input').fill(other.credential);
    await tab.page.getByTestId('verify-submit').click();
    await tab.page.getByTestId('short-mismatch').waitFor();
    await tab.page.getByTestId('verify-input').fill(cert.credential);
    await tab.page.getByTestId('verify-submit').click();
    await tab.page.waitForURL('**/verify#vc=*');
    await verdictOf(tab, true);
    expect(await tab.page.getByTestId('verdict-claims').innerText()).to.include('北京市东城区');

    const wrong = digestOf(`${cert.credential}x`);
    await tab.page.goto('/verify');
    await tab.page.goto(`/v/${encodeURIComponent(cert.id)}#d=${wrong}`);
    await verdictOf(tab, false);
    expect(await tab.page.locator('[data-testid="verdict"][data-valid="true"]').count()).to.equal(0);
    expectClean(tab);
    await tab.close();
  });

  it('logs in with a pasted token, shows who is logged in in plain words, and logs out', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/login');
    await tab.page.getByTestId('token-input').fill(issuerToken);
    await tab.page.getByTestId('login-submit').click();
    await tab.page.waitForURL('**/registry');
    expect(await tab.page.evaluate<string | null>("sessionStorage.getItem('civic.token')")).to.equal(issuerToken);
    await tab.page.goto('/login');
    await tab.page.getByTestId('login-current').waitFor();
    expect(await tab.page.getByTestId('login-sub').innerText()).to.equal('clerk-e2e');
    expect(await tab.page.getByTestId('login-org').innerText()).to.equal('民政部门');
    expect(await tab.page.getByTestId('login-roles').innerText()).to.equal('证照签发员');
    await tab.page.getByTestId('login-logout').click();
    await tab.page.getByTestId('login-current').waitFor({ state: 'detached' });
    expect(await tab.page.evaluate<string | null>("sessionStorage.getItem('civic.token')")).to.equal(null);
    expectClean(tab);
    await tab.close();
  });

  it('refuses a malformed token without storing it, and a token the gateway rejects', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/login');
    await tab.page.getByTestId('token-input').fill('not-a-token');
    await tab.page.getByTestId('login-submit').click();
    await tab.page.getByTestId('login-error').waitFor();
    expect(await tab.page.getByTestId('login-error').innerText()).to.include('不是有效的登录令牌');
    expect(await tab.page.evaluate<string | null>("sessionStorage.getItem('civic.token')")).to.equal(null);

    const foreign = await portal.gateway.foreignToken({ sub: 'mallory', org: 'civil', roles: ['issuer'] });
    await tab.page.getByTestId('token-input').fill(foreign);
    await tab.page.getByTestId('login-submit').click();
    await tab.page.getByText('服务没有接受这个登录令牌', { exact: false }).waitFor();
    expect(await tab.page.evaluate<string | null>("sessionStorage.getItem('civic.token')")).to.equal(null);
    expect(new URL(tab.page.url()).pathname).to.equal('/login');
    expectClean(tab, [HTTP_ERROR_LOG]);
    await tab.close();
  });

  it('shows why the user was sent to log in, and returns them to a same-site ?next= only', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/login?reason=expired&next=%2Fverify');
    expect(await tab.page.getByTestId('login-reason').innerText()).to.include('登录已失效');
    await tab.page.getByTestId('token-input').fill(issuerToken);
    await tab.page.getByTestId('login-submit').click();
    await tab.page.waitForURL('**/verify');

    const auditor = await portal.token({ sub: 'auditor-e2e', org: 'audit', roles: ['auditor'] });
    await tab.page.goto('/login?next=%2F%2Fevil.example%2Fx');
    await tab.page.getByTestId('token-input').fill(auditor);
    await tab.page.getByTestId('login-submit').click();
    await tab.page.waitForURL('**/audit');
    expect(new URL(tab.page.url()).host).to.equal(new URL(portal.baseUrl).host);
    expectClean(tab);
    await tab.close();
  });

  it('offers one demo login per role when the gateway allows demo users, and logs in with it', async function () {
    const info = (await portal.call('GET', '/api/v1/portal')).body as { demoLogin: boolean };
    expect(info.demoLogin, 'an embedded gateway on 127.0.0.1 offers demo login').to.equal(true);
    // The gateway checks Host and Origin: both names a developer opens it at must keep working.
    const { port } = new URL(portal.baseUrl);
    for (const baseUrl of [portal.baseUrl, `http://localhost:${port}`]) {
      const tab = await openTab(portal.browser, baseUrl);
      await tab.page.goto('/login');
      for (const role of ['issuer', 'registrar', 'verifier', 'admin', 'charity', 'auditor']) {
        await tab.page.getByTestId(`demo-login-${role}`).waitFor();
      }
      await tab.page.getByTestId('demo-login-auditor').click();
      await tab.page.waitForURL('**/audit');
      const token = await tab.page.evaluate<string | null>("sessionStorage.getItem('civic.token')");
      expect(payloadOf(token ?? '').org, baseUrl).to.equal('audit');
      expectClean(tab);
      await tab.close();
    }
  });

  it('has no serious accessibility violations on /verify with a verdict, /credential, /login, a short link and /docs', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto(`/verify#vc=${cert.credential}`);
    await verdictOf(tab, true);
    expect(await seriousA11yViolations(tab.page), '/verify').to.deep.equal([]);
    await tab.page.goto(`/credential#vc=${cert.credential}`);
    await tab.page.getByTestId('credential-qr').waitFor();
    expect(await seriousA11yViolations(tab.page), '/credential').to.deep.equal([]);
    await tab.page.goto('/login');
    await tab.page.getByTestId('token-input').waitFor();
    expect(await seriousA11yViolations(tab.page), '/login').to.deep.equal([]);
    await tab.page.goto(`/v/${encodeURIComponent(cert.id)}#d=${digestOf(cert.credential)}`);
    await verdictOf(tab, true);
    expect(await seriousA11yViolations(tab.page), '/v/<id>').to.deep.equal([]);
    await tab.page.goto('/docs');
    await tab.page.getByTestId('api-group').first().waitFor();
    expect(await seriousA11yViolations(tab.page), '/docs').to.deep.equal([]);
    expectClean(tab);
    await tab.close();
  });

  it('fits a phone screen: /verify with a verdict and /credential', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { viewport: PHONE });
    await tab.page.goto(`/verify#vc=${cert.credential}`);
    await verdictOf(tab, true);
    expect(await fitsWidth(tab.page), '/verify').to.equal(true);
    await tab.page.goto(`/credential#vc=${cert.credential}`);
    await tab.page.getByTestId('credential-qr').waitFor();
    expect(await fitsWidth(tab.page), '/credential').to.equal(true);
    expectClean(tab);
    await tab.close();
  });

  it('renders the API reference from the gateway’s OpenAPI document', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/docs');
    await tab.page.getByTestId('api-group').first().waitFor();
    const text = await tab.page.locator('main').innerText();
    expect(text).to.include('/api/v1/verify').and.include('/api/v1/certificates');
    expect(await tab.page.getByTestId('api-operation').count()).to.be.greaterThan(10);
    expectClean(tab);
    await tab.close();
  });
});
