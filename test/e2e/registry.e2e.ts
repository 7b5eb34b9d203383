import fs from 'node:fs';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { sampleCreditCode, sampleResidentId } from '../../scripts/sample-ids';
import { HTTP_ERROR_LOG, PHONE, expectClean, fitsWidth, openTab, seriousA11yViolations, type PortalTab, readmeScreenshot } from './support/browser';
import { startPortal, type Portal } from './support/portal';

/** A resident ID number that fails the GB 11643 check: a valid one with its check character changed. */
function badResidentId(): string {
  const good = sampleResidentId();
  const wrong = good[17] === '1' ? '2' : '1';
  return good.slice(0, 17) + wrong;
}

/** Every request URL the tab makes, to prove an ID number never travels in one. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => urls.push(req.url()));
  return urls;
}

/** One attribute of every element a locator matches, in document order. */
async function attrs(locator: Locator, name: string): Promise<Array<string | null>> {
  return Promise.all((await locator.all()).map((l) => l.getAttribute(name)));
}

describe('registry console (Chromium)', function () {
  let portal: Portal;
  let issuer: string;
  let registrar: string;
  let verifier: string;
  const tabs: PortalTab[] = [];

  before(async function () {
    portal = await startPortal();
    issuer = await portal.token({ sub: 'clerk-1', org: 'civil', roles: ['issuer', 'verifier'] });
    registrar = await portal.token({ sub: 'registrar-1', org: 'civil', roles: ['registrar'] });
    verifier = await portal.token({ sub: 'checker-1', org: 'civil', roles: ['verifier'] });
  });
  afterEach(async function () {
    while (tabs.length > 0) await tabs.pop()?.close();
  });
  after(async function () {
    await portal?.close();
  });

  const open = async (token: string, url: string, viewport?: { width: number; height: number }): Promise<PortalTab> => {
    const tab = await openTab(portal.browser, portal.baseUrl, { token, viewport });
    tabs.push(tab);
    await tab.page.goto(url);
    return tab;
  };

  /** Issues a low-income-household certificate through the API; returns its id. */
  const issueByApi = async (idNumber: string, id?: string): Promise<string> => {
    const r = await portal.call('POST', '/api/v1/certificates', {
      token: issuer,
      body: { id, type: 'low-income-household', holder: { idNumber, name: '张三' }, claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: '上海市徐汇区' } },
    });
    expect(r.status, r.text).to.equal(201);
    return r.body.id as string;
  };

  it('issues through the form generated from the type schema: field errors beside their fields first, then the credential page', async function () {
    const tab = await open(issuer, '/registry/issue');
    const { page } = tab;
    const urls = recordUrls(page);
    const posts: string[] = [];
    page.on('request', (req) => req.method() === 'POST' && posts.push(req.url()));
    await page.getByTestId('issue-type').selectOption('low-income-household');
    // The generated form has one input per schema property, labelled in plain words.
    await page.getByLabel('家庭人口数').waitFor();
    expect(await page.locator('[data-field="claims.region"] label').innerText()).to.include('必填');

    const bad = badResidentId();
    await page.getByTestId('holder-idnumber').fill(bad);
    await page.getByTestId('holder-name').fill('李四');
    await page.locator('#f-claims-householdSize').fill('3');
    await page.locator('#f-claims-monthlyAllowanceFen').fill('98000');
    await page.getByTestId('issue-submit').click();

    const idError = page.getByTestId('field-error-holder.idNumber');
    await idError.waitFor();
    expect(await idError.innerText()).to.include('身份证号码不正确');
    expect(await page.getByTestId('field-error-claims.region').innerText()).to.include('必须填写');
    expect(await page.locator('#f-holder-idNumber').getAttribute('aria-invalid')).to.equal('true');
    // The error sits inside the field it names, next to its input.
    expect(await page.locator('[data-field="holder.idNumber"] [data-testid="field-error-holder.idNumber"]').count()).to.equal(1);
    expect(posts.filter((u) => u.endsWith('/api/v1/certificates')), 'nothing sent while the form has errors').to.deep.equal([]);
    await readmeScreenshot(page, 'registry-issue');


    const good = sampleResidentId();
    await page.getByTestId('holder-idnumber').fill(good);
    expect(await page.getByTestId('field-error-holder.idNumber').count(), 'an edited field loses its old error').to.equal(0);
    await page.locator('#f-claims-region').fill('上海市徐汇区');
    await page.locator('#f-claims-approvedOn').fill('2026-03-01');
    await page.getByTestId('issue-submit').click();
    await page.waitForURL(/\/credential#vc=eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const vc = decodeURIComponent(new URL(page.url()).hash.slice('#vc='.length));
    const verdict = await portal.call('POST', '/api/v1/verify', { body: { credential: vc } });
    expect(verdict.body).to.include({ valid: true, status: 'active' });
    expect(verdict.body.certificate.type).to.equal('low-income-household');
    expect(urls.filter((u) => u.includes(good) || u.includes(bad)), 'ID numbers in URLs').to.deep.equal([]);
    expectClean(tab);
  });

  it('generates inputs for every schema kind, checks the obvious in the browser, and shows the gateway’s schema refusal beside the claim it names', async function () {
    // multipleOf is a rule the browser does not check, so only the ledger's schema check can refuse it.
    const type = `packs-${Date.now()}`;
    const reg = await portal.call('POST', '/api/v1/certificate-types', {
      token: registrar,
      body: {
        type,
        title: '物资包 Relief packs',
        issuerMsps: ['CivilAffairsMSP'],
        schema: {
          type: 'object',
          required: ['packs', 'batch', 'deliverAt', 'urgent'],
          properties: {
            packs: { type: 'integer', title: '物资包数量', multipleOf: 5 },
            batch: { type: 'string', title: '批次号', description: '两个大写字母加四位数字', pattern: '^[A-Z]{2}\\d{4}$' },
            deliverAt: { type: 'string', format: 'date-time', title: '发放时间' },
            urgent: { type: 'boolean', title: '加急' },
            weightKg: { type: 'number', title: '重量（千克）', exclusiveMinimum: 0 },
          },
          additionalProperties: false,
        },
      },
    });
    expect(reg.status, reg.text).to.equal(201);
    const tab = await open(issuer, `/registry/issue?type=${type}`);
    const { page } = tab;
    expect(await page.getByLabel('发放时间').getAttribute('type')).to.equal('datetime-local');
    expect(await page.getByLabel('加急').evaluate((el) => el.tagName)).to.equal('SELECT');
    expect(await page.locator('#f-claims-batch-hint').innerText()).to.include('两个大写字母加四位数字');
    await page.getByLabel('物资包数量').fill('3');
    await page.getByLabel('批次号').fill('ab12');
    await page.getByLabel('重量（千克）').fill('0');
    await page.getByLabel('发放时间').fill('2026-03-01T09:30');
    await page.getByLabel('加急').selectOption('true');
    await page.getByTestId('holder-idtype').selectOption('passport');
    await page.getByTestId('holder-idnumber').fill('E12345678');
    await page.getByTestId('holder-name').fill('Anna Berg');
    await page.getByTestId('issue-submit').click();
    await page.getByTestId('field-error-claims.batch').waitFor();
    expect(await page.getByTestId('field-error-claims.weightKg').innerText()).to.include('必须大于 0');
    expect(await page.getByTestId('field-error-holder.idNumber').count(), 'a passport number is not checked as a resident ID').to.equal(0);

    await page.getByLabel('批次号').fill('AB1234');
    await page.getByLabel('重量（千克）').fill('12.5');
    await page.getByTestId('issue-submit').click();
    const error = page.getByTestId('field-error-claims.packs');
    await error.waitFor();
    expect(await error.innerText()).to.include('multiple of 5');
    expect(await page.locator('#f-claims-packs').getAttribute('aria-invalid')).to.equal('true');

    await page.getByLabel('物资包数量').fill('5');
    await page.getByTestId('issue-submit').click();
    await page.waitForURL(/\/credential#vc=eyJ/);
    const payload = JSON.parse(Buffer.from(new URL(page.url()).hash.split('.')[1], 'base64url').toString('utf8'));
    const subject = (payload.vc ?? payload).credentialSubject;
    expect(subject).to.include({ packs: 5, batch: 'AB1234', urgent: true, weightKg: 12.5 });
    // A date-time typed without a zone is sent with the browser's offset, as the ledger requires.
    expect(subject.deliverAt).to.match(/^2026-03-01T09:30:00(Z|[+-]\d\d:\d\d)$/);
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('checks a schema pattern with a linear-time engine: `^(a+)+$` against 32 a’s and a "!" answers at once', async function () {
    const type = `redos-${Date.now()}`;
    const reg = await portal.call('POST', '/api/v1/certificate-types', {
      token: registrar,
      body: {
        type,
        title: '回溯测试 Backtracking',
        issuerMsps: ['CivilAffairsMSP'],
        schema: { type: 'object', required: ['code'], properties: { code: { type: 'string', title: '代码', pattern: '^(a+)+$' } } },
      },
    });
    expect(reg.status, reg.text).to.equal(201);
    const tab = await open(issuer, `/registry/issue?type=${type}`);
    const { page } = tab;
    await page.getByTestId('holder-idnumber').fill(sampleResidentId());
    await page.getByTestId('holder-name').fill('王五');
    await page.getByLabel('代码').fill(`${'a'.repeat(32)}!`);
    await page.getByTestId('issue-submit').click();
    // A backtracking engine takes 2^32 steps here and the tab stops answering; RE2 says "no match" at once.
    const error = page.getByTestId('field-error-claims.code');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.innerText({ timeout: 5_000 })).to.include('格式不对');

    await page.getByLabel('代码').fill('a'.repeat(32));
    await page.getByTestId('issue-submit').click();
    await page.waitForURL(/\/credential#vc=eyJ/, { timeout: 30_000 });
    expectClean(tab);
  });

  it('issues a CSV of 250 rows in chunks with progress and a result per row, downloadable, and issues nothing twice when run again', async function () {
    this.timeout(180_000);
    const prefix = `hh-${Date.now()}`;
    const lines = ['id,idNumber,name,householdSize,monthlyAllowanceFen,region'];
    for (let i = 1; i <= 250; i++) {
      const idNumber = i === 10 ? badResidentId() : sampleResidentId();
      const size = i === 100 ? 'two' : String(1 + (i % 5));
      lines.push(`${prefix}-${i},${idNumber},居民${i},${size},${50000 + i},上海市徐汇区`);
    }
    const csv = Buffer.from(`${lines.join('\n')}\n`, 'utf8');

    const tab = await open(issuer, '/registry/batch');
    const { page } = tab;
    const keys: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/v1/certificates/batch')) keys.push(req.headers()['idempotency-key'] ?? '(none)');
    });
    await page.getByTestId('batch-type').selectOption('low-income-household');
    await page.getByTestId('batch-file').setInputFiles({ name: 'households.csv', mimeType: 'text/csv', buffer: csv });
    const preview = page.getByTestId('batch-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-good')).to.equal('248');
    expect(await preview.getAttribute('data-bad')).to.equal('2');
    // Bad rows are named by their line in the file (the header is line 1).
    expect(await attrs(page.getByTestId('batch-row-error'), 'data-line')).to.deep.equal(['11', '101']);

    await page.getByTestId('batch-start').click();
    await page.locator('[data-testid="batch-summary"][data-done="true"]').waitFor({ timeout: 120_000 });
    const progress = page.getByTestId('batch-progress');
    expect(await progress.getAttribute('max')).to.equal('250');
    expect(await progress.getAttribute('value')).to.equal('250');
    const summary = page.getByTestId('batch-summary');
    expect(await summary.getAttribute('data-issued')).to.equal('248');
    expect(await summary.getAttribute('data-failed')).to.equal('2');
    expect(await page.locator('[data-testid="batch-result"][data-line="11"]').getAttribute('data-status')).to.equal('failed');
    expect(await page.locator('[data-testid="batch-result"][data-line="11"]').innerText()).to.include('身份证号码不正确');
    expect(await page.locator('[data-testid="batch-result"][data-line="101"]').innerText()).to.include('householdSize');
    expect(await page.locator('[data-testid="batch-result"][data-line="2"]').getAttribute('data-status')).to.equal('issued');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-results-download').click()]);
    const saved = await download.path();
    const text = fs.readFileSync(saved, 'utf8').replace(/^\uFEFF/, '');
    const rows = text.trim().split(/\r?\n/);
    expect(rows).to.have.length(251);
    expect(rows[0]).to.equal('行号,id,结果,原因');
    expect(rows.find((r) => r.startsWith('11,'))).to.match(/^11,[^,]+-10,未签发,/);
    expect(rows.find((r) => r.startsWith('2,'))).to.equal(`2,${prefix}-1,已签发,`);

    const onLedger = async (): Promise<number> => {
      let n = 0;
      let cursor: string | undefined;
      do {
        const r = await portal.call('GET', `/api/v1/certificates?type=low-income-household&limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: issuer });
        n += (r.body.items as Array<{ id: string }>).filter((c) => c.id.startsWith(`${prefix}-`)).length;
        cursor = r.body.nextCursor;
      } while (cursor);
      return n;
    };
    expect(await onLedger()).to.equal(248);
    // 248 good rows in chunks of 100: three requests, each with its own key.
    expect(keys).to.have.length(3);
    expect(new Set(keys).size).to.equal(3);
    expect(keys.every((k) => /^[\x21-\x7e]{1,255}$/.test(k))).to.equal(true);

    await page.getByTestId('batch-start').click();
    // The first run's summary says already=0, so this waits for the second run to finish.
    await page.locator('[data-testid="batch-summary"][data-done="true"][data-already="248"]').waitFor({ timeout: 120_000 });
    expect(await summary.getAttribute('data-issued')).to.equal('0');
    expect(await summary.getAttribute('data-already')).to.equal('248');
    expect(await summary.getAttribute('data-failed')).to.equal('2');
    expect(await onLedger()).to.equal(248);
    // The second run sent the same keys, so the gateway answered from its store.
    expect(keys.slice(3)).to.deep.equal(keys.slice(0, 3));
    expectClean(tab);
  });

  it('counts rows issued before under other keys (another clerk, the CLI) as already issued only when the ledger holds what the row says, and sends only the rest', async function () {
    const prefix = `dup-${Date.now()}`;
    const lines = ['id,idNumber,name,householdSize,monthlyAllowanceFen,region,validUntil'];
    const holders = new Map<number, string>();
    for (let i = 1; i <= 30; i++) {
      holders.set(i, sampleResidentId());
      lines.push(`${prefix}-${i},${holders.get(i)},居民${i},2,60000,杭州市西湖区,2030-12-31`);
    }
    // Rows 3 and 7 issued before, as the file says them; row 30's id holds another person's certificate.
    for (const i of [3, 7]) {
      const r = await portal.call('POST', '/api/v1/certificates', {
        token: issuer,
        body: { id: `${prefix}-${i}`, type: 'low-income-household', holder: { idNumber: holders.get(i), name: `居民${i}` }, claims: { householdSize: 2, monthlyAllowanceFen: 60000, region: '杭州市西湖区' }, validUntil: '2030-12-31' },
      });
      expect(r.status, r.text).to.equal(201);
    }
    await issueByApi(sampleResidentId(), `${prefix}-30`);

    const tab = await open(issuer, '/registry/batch');
    const { page } = tab;
    await page.getByTestId('batch-type').selectOption('low-income-household');
    await page.getByTestId('batch-file').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n'), 'utf8') });
    await page.locator('[data-testid="batch-preview"][data-good="30"]').waitFor();
    await page.getByTestId('batch-start').click();
    const summary = page.locator('[data-testid="batch-summary"][data-done="true"]');
    await summary.waitFor();
    expect(await summary.getAttribute('data-issued')).to.equal('27');
    expect(await summary.getAttribute('data-already')).to.equal('2');
    expect(await summary.getAttribute('data-failed')).to.equal('1');
    expect(await page.locator('[data-testid="batch-result"][data-line="4"]').getAttribute('data-status')).to.equal('already');
    expect(await page.locator('[data-testid="batch-result"][data-line="31"]').getAttribute('data-status')).to.equal('failed');
    const issued = await portal.call('GET', `/api/v1/certificates/${prefix}-1`, { token: issuer });
    expect(issued.body.validUntil).to.match(/^2030-12-31T/);
    // The gateway refuses the first chunk as holding issued ids (409); the browser logs that.
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('finds a certificate by the holder’s ID number without the number ever appearing in a URL, and lists by type and status', async function () {
    const idNumber = sampleResidentId();
    const id = await issueByApi(idNumber, `find-${Date.now()}`);
    const tab = await open(issuer, '/registry/search');
    const { page } = tab;
    const urls = recordUrls(page);
    await page.getByTestId('search-idnumber').fill(idNumber);
    await page.getByTestId('search-submit').click();
    const row = page.locator(`[data-testid="search-row"][data-id="${id}"]`);
    await row.waitFor();
    expect(await page.getByTestId('search-row').count()).to.equal(1);
    expect(await row.innerText()).to.include('有效');
    expect(urls.some((u) => u.includes('/api/v1/certificates/search'))).to.equal(true);
    expect(urls.filter((u) => u.includes(idNumber)), 'ID number in a URL').to.deep.equal([]);

    // A number nobody holds: the empty state, not an error.
    await page.getByTestId('search-idnumber').fill(sampleResidentId());
    await page.getByTestId('search-submit').click();
    await page.getByTestId('empty').waitFor();

    // By type and status, without a holder.
    await page.getByTestId('search-idnumber').fill('');
    await page.getByTestId('search-type').selectOption('low-income-household');
    await page.getByTestId('search-status').selectOption('active');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-results').waitFor();
    expect(await page.getByTestId('search-row').count()).to.be.greaterThan(0);
    // A listing lives in the address, so going back from a certificate shows it again.
    expect(new URL(page.url()).search).to.equal('?list=1&type=low-income-household&status=active');
    await page.getByTestId('search-row').first().getByRole('link').click();
    await page.getByTestId('cert-record').waitFor();
    await page.goBack();
    await page.getByTestId('search-results').waitFor();
    expect(await page.getByTestId('search-type').inputValue()).to.equal('low-income-household');
    await page.getByTestId('search-status').selectOption('revoked');
    await page.getByTestId('search-type').selectOption('marriage-registration');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('empty').waitFor();

    // A row leads to the certificate's page.
    await page.getByTestId('search-idnumber').fill(idNumber);
    await page.getByTestId('search-type').selectOption('');
    await page.getByTestId('search-status').selectOption('');
    await page.getByTestId('search-submit').click();
    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`/registry/certificates/${id}$`));
    await page.getByTestId('cert-record').waitFor();
    expect(urls.filter((u) => u.includes(idNumber)), 'ID number in a URL').to.deep.equal([]);
    expectClean(tab);
  });

  it('shows a certificate’s record and timeline, and suspends, reinstates and revokes it with a reason, offering only allowed actions', async function () {
    const id = await issueByApi(sampleResidentId(), `life-${Date.now()}`);
    const tab = await open(issuer, `/registry/certificates/${id}`);
    const { page } = tab;
    const status = page.getByTestId('cert-status');
    const entries = page.getByTestId('timeline-entry');
    await status.waitFor();
    expect(await status.getAttribute('data-status')).to.equal('active');
    expect(await entries.count()).to.equal(1);
    expect(await page.getByTestId('cert-id').innerText()).to.equal(id);
    expect(await page.getByTestId('action-reinstate').count(), 'reinstate is not offered for an active certificate').to.equal(0);

    await page.getByTestId('action-suspend').click();
    const dialog = page.getByTestId('status-dialog');
    await dialog.waitFor();
    await page.getByTestId('status-reason-code').selectOption('eligibility-review');
    await page.getByTestId('status-reason-text').fill('年度复核');
    await page.getByTestId('status-confirm').click();
    await page.locator('[data-testid="cert-status"][data-status="suspended"]').waitFor();
    await page.locator('[data-testid="timeline-entry"]:nth-child(2)').waitFor();
    expect(await entries.count()).to.equal(2);
    expect(await entries.nth(1).getAttribute('data-status')).to.equal('suspended');
    expect(await entries.nth(1).innerText()).to.include('资格复核中：年度复核');
    expect(await entries.nth(1).innerText()).to.include('clerk-1');
    expect(await page.getByTestId('action-suspend').count(), 'suspend is not offered for a suspended certificate').to.equal(0);

    // A phone number in the reason is refused by the ledger, in plain words.
    await page.getByTestId('action-reinstate').click();
    await page.getByTestId('status-reason-code').selectOption('review-passed');
    await page.getByTestId('status-reason-text').fill('已电话联系 13812345678');
    await page.getByTestId('status-confirm').click();
    const refusal = page.getByTestId('status-error');
    await refusal.waitFor();
    expect(await refusal.innerText()).to.include('个人信息不能写进账本');
    await page.getByTestId('status-reason-text').fill('');
    await page.getByTestId('status-confirm').click();
    await page.locator('[data-testid="cert-status"][data-status="active"]').waitFor();
    await page.locator('[data-testid="timeline-entry"]:nth-child(3)').waitFor();

    await page.getByTestId('action-revoke').click();
    await page.getByTestId('status-reason-code').selectOption('obtained-by-fraud');
    await page.getByTestId('status-confirm').click();
    await page.locator('[data-testid="cert-status"][data-status="revoked"]').waitFor();
    await page.locator('[data-testid="timeline-entry"]:nth-child(4)').waitFor();
    expect(await attrs(entries, 'data-status')).to.deep.equal(['active', 'suspended', 'active', 'revoked']);
    for (const a of ['suspend', 'reinstate', 'revoke']) expect(await page.getByTestId(`action-${a}`).count(), `${a} after revocation`).to.equal(0);
    const record = await portal.call('GET', `/api/v1/certificates/${id}`, { token: issuer });
    expect(record.body).to.include({ status: 'revoked', statusReasonCode: 'obtained-by-fraud' });
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('registers a certificate type, refusing schema text that is not JSON beside the field, and lists it with its fields', async function () {
    const tab = await open(registrar, '/registry/types');
    const { page } = tab;
    const type = `elder-subsidy-${Date.now()}`;
    await page.getByTestId('type-id').fill(type);
    await page.getByTestId('type-title').fill('高龄津贴 Old-age allowance');
    await page.getByTestId('type-schema').fill('{ "type": "object", ');
    await page.getByTestId('type-submit').click();
    await page.getByTestId('field-error-schema').waitFor();
    expect(await page.getByTestId('field-error-schema').innerText()).to.include('JSON');

    // Valid JSON that is no JSON Schema the ledger can compile: its refusal lands beside the schema too.
    await page.getByTestId('type-schema').fill('{ "type": "object", "properties": { "a": { "type": "text" } } }');
    await page.getByTestId('type-submit').click();
    await page.locator('[data-testid="field-error-schema"]', { hasText: '账本不接受这个 JSON Schema' }).waitFor();

    await page.getByRole('button', { name: '恢复示例' }).click();
    await page.getByTestId('type-msp-CharityMSP').check();
    await page.getByTestId('type-submit').click();
    await page.getByTestId('type-registered').waitFor();
    const item = page.locator(`[data-testid="type-item"][data-type="${type}"]`);
    await item.waitFor();
    expect(await item.innerText()).to.include('高龄津贴');
    expect(await item.innerText()).to.include('补贴等级');
    const types = await portal.call('GET', '/api/v1/certificate-types');
    expect(types.body.items.find((x: { type: string }) => x.type === type)?.issuerMsps).to.have.members(['CivilAffairsMSP', 'CharityMSP']);

    // The same id again is refused beside the id field.
    await page.getByTestId('type-id').fill(type);
    await page.getByTestId('type-title').fill('高龄津贴 Old-age allowance');
    await page.getByTestId('type-submit').click();
    await page.getByTestId('field-error-type').waitFor();
    expect(await page.getByTestId('field-error-type').innerText()).to.include('已经登记过');
    // A registrar cannot issue: the console offers no issue form.
    expect(await page.getByTestId('subnav-issue').count()).to.equal(0);
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('registers a charity, checking the credit code in the browser, and lists it', async function () {
    const tab = await open(registrar, '/registry/charities');
    const { page } = tab;
    const id = `sunshine-${Date.now()}`;
    const code = sampleCreditCode();
    await page.getByTestId('charity-name').fill('阳光慈善基金会');
    await page.getByTestId('charity-id').fill(id);
    await page.getByTestId('charity-credit-code').fill(`${code.slice(0, 17)}${code[17] === '0' ? '1' : '0'}`);
    await page.getByTestId('charity-submit').click();
    await page.getByTestId('field-error-creditCode').waitFor();
    expect(await page.getByTestId('field-error-creditCode').innerText()).to.include('统一社会信用代码不正确');

    await page.getByTestId('charity-credit-code').fill(code);
    await page.getByTestId('charity-public').check();
    await page.getByTestId('charity-submit').click();
    await page.getByTestId('charity-registered').waitFor();
    const stored = await portal.call('GET', `/api/v1/charities/${id}`, { token: registrar });
    expect(stored.body).to.include({ id, name: '阳光慈善基金会', creditCode: code, publicFundraising: true });
    await page.locator(`[data-testid="charity-row"][data-id="${id}"]`).waitFor();
    expectClean(tab);
  });

  it('says plainly when a certificate does not exist, and tells an unreachable ledger apart from an error, with a retry', async function () {
    const tab = await open(issuer, '/registry/certificates/no-such-certificate');
    const { page } = tab;
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.innerText()).to.include('没有找到这份证照');

    const idNumber = sampleResidentId();
    const id = await issueByApi(idNumber, `reach-${Date.now()}`);
    await page.goto('/registry/search');
    await page.route('**/api/v1/certificates/search', (route) => route.abort('connectionrefused'));
    await page.getByTestId('search-idnumber').fill(idNumber);
    await page.getByTestId('search-submit').click();
    const unreachable = page.getByTestId('unreachable');
    await unreachable.waitFor();
    expect(await unreachable.innerText()).to.include('不表示数据有误');
    await page.unroute('**/api/v1/certificates/search');
    await unreachable.getByRole('button').click();
    await page.locator(`[data-testid="search-row"][data-id="${id}"]`).waitFor();
    expectClean(tab, [HTTP_ERROR_LOG, /net::ERR_CONNECTION_REFUSED/]);
  });

  it('reads in English when the user switched the language', async function () {
    const id = await issueByApi(sampleResidentId(), `en-${Date.now()}`);
    await portal.call('POST', `/api/v1/certificates/${id}/suspend`, { token: issuer, body: { reasonCode: 'holder-request' } });
    const tab = await openTab(portal.browser, portal.baseUrl, { token: issuer, lang: 'en' });
    tabs.push(tab);
    const { page } = tab;
    await page.goto(`/registry/certificates/${id}`);
    await page.locator('[data-testid="cert-status"][data-status="suspended"]').waitFor();
    expect(await page.getByTestId('cert-status').innerText()).to.include('Suspended');
    expect(await page.getByTestId('cert-status').innerText()).to.include('At the holder’s request');
    expect(await page.locator('h1').innerText()).to.equal('Low-income household (minimum living allowance)');
    await page.goto('/registry/types');
    await page.locator('[data-testid="type-item"][data-type="disability-subsidy"]').waitFor();
    await page.goto('/registry/batch');
    await page.getByTestId('batch-type').selectOption('disability-subsidy');
    expect(await page.getByTestId('batch-template').innerText()).to.equal('Download a blank template');
    expectClean(tab);
  });

  it('does not show the issue form to a verifier-only user', async function () {
    const tab = await open(verifier, '/registry');
    const { page } = tab;
    await page.getByTestId('registry-subnav').waitFor();
    expect(await page.getByTestId('subnav-search').count()).to.equal(1);
    expect(await page.getByTestId('subnav-issue').count()).to.equal(0);
    expect(await page.getByTestId('subnav-batch').count()).to.equal(0);
    await page.goto('/registry/issue');
    await page.getByTestId('no-role').waitFor();
    expect(await page.getByTestId('issue-form').count()).to.equal(0);
    expectClean(tab);
  });

  it('fits the issue form on a phone screen with no serious accessibility problems', async function () {
    const tab = await open(issuer, '/registry/issue?type=disability-subsidy', PHONE);
    const { page } = tab;
    await page.getByTestId('issue-form').waitFor();
    await page.getByLabel('补贴类别').waitFor();
    expect(await page.getByLabel('补贴类别').locator('option').allInnerTexts()).to.include('重度残疾人护理补贴');
    expect(await fitsWidth(page)).to.equal(true);
    await page.getByTestId('issue-submit').click();
    await page.getByTestId('field-error-claims.subsidyKind').waitFor();
    expect(await fitsWidth(page)).to.equal(true);
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    expectClean(tab);
  });
  it('fits every other registry page on a phone screen with no serious accessibility problems', async function () {
    const everyone = await portal.token({ sub: 'clerk-2', org: 'civil', roles: ['issuer', 'verifier', 'registrar'] });
    const id = await issueByApi(sampleResidentId(), `phone-${Date.now()}`);
    await portal.call('POST', '/api/v1/charities', { token: registrar, body: { id: `phone-${Date.now()}`, name: '手机慈善会', creditCode: sampleCreditCode(), publicFundraising: false } });
    const tab = await openTab(portal.browser, portal.baseUrl, { token: everyone, viewport: PHONE });
    tabs.push(tab);
    const { page } = tab;
    const check = async (what: string) => {
      expect(await fitsWidth(page), `${what} fits`).to.equal(true);
      expect(await seriousA11yViolations(page), what).to.deep.equal([]);
    };
    await page.goto('/registry');
    await page.getByTestId('subnav-charities').waitFor();
    await check('overview');
    await page.goto('/registry/search');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-results').waitFor();
    await check('search results');
    await page.goto(`/registry/certificates/${id}`);
    await page.getByTestId('action-suspend').click();
    await page.getByTestId('status-dialog').waitFor();
    await check('status dialog');
    await page.goto('/registry/batch');
    await page.getByTestId('batch-type').selectOption('low-income-household');
    const rows = ['id,idNumber,name,householdSize,monthlyAllowanceFen,region', `p-${Date.now()},${badResidentId()},某某,2,1,上海市`];
    await page.getByTestId('batch-file').setInputFiles({ name: 'p.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.getByTestId('batch-row-error').waitFor();
    await check('batch preview');
    await page.goto('/registry/types');
    await page.getByTestId('type-list').waitFor();
    await check('types');
    await page.goto('/registry/charities');
    await page.getByTestId('charity-list').waitFor();
    await check('charities');
    expectClean(tab);
  });
});
