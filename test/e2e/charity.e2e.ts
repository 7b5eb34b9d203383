import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { sampleCreditCode, sampleResidentId } from '../../scripts/sample-ids';
import { HTTP_ERROR_LOG, PHONE, expectClean, fitsWidth, openTab, seriousA11yViolations, type PortalTab, readmeScreenshot } from './support/browser';
import { startPortal, type Portal } from './support/portal';

/** The fen amount a `data-fen` figure shows, once it equals `fen` (figures refresh after each write). */
async function figureReaches(page: Page, testid: string, fen: number): Promise<void> {
  await page.locator(`[data-testid="${testid}"][data-fen="${fen}"]`).waitFor();
}

describe('charity console (Chromium)', function () {
  let portal: Portal;
  let staff: string;
  let otherStaff: string;
  const charityId = 'sunrise-fund';
  const creditCode = sampleCreditCode();
  const projectId = 'winter-aid';
  const donorId = sampleResidentId();
  const tabs: PortalTab[] = [];

  const open = async (options: Parameters<typeof openTab>[2] = {}): Promise<PortalTab> => {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: staff, ...options });
    tabs.push(tab);
    return tab;
  };
  const project = async (id: string) => (await portal.call('GET', `/api/v1/projects/${id}`, { token: staff })).body;

  before(async function () {
    portal = await startPortal();
    const registrar = await portal.token({ sub: 'reg-1', org: 'civil', roles: ['registrar'] });
    for (const [id, name, code] of [
      [charityId, '朝阳慈善基金会', creditCode],
      ['other-fund', '另一家基金会', sampleCreditCode()],
    ] as const) {
      const res = await portal.call('POST', '/api/v1/charities', { token: registrar, body: { id, name, creditCode: code, publicFundraising: id === charityId } });
      expect(res.status, res.text).to.equal(201);
    }
    staff = await portal.token({ sub: 'staff-1', org: 'charity', roles: ['charity'], charity: charityId });
    otherStaff = await portal.token({ sub: 'staff-9', org: 'charity', roles: ['charity'], charity: 'other-fund' });
  });
  afterEach(async function () {
    while (tabs.length > 0) await tabs.pop()?.close();
  });
  after(async function () {
    await portal?.close();
  });

  it('shows the charity with its credit code and qualification, and an empty project list', async function () {
    const tab = await open();
    await tab.page.goto('/charity');
    await tab.page.getByTestId('charity-credit-code').waitFor();
    expect(await tab.page.getByTestId('charity-name').innerText()).to.equal('朝阳慈善基金会');
    expect(await tab.page.getByTestId('charity-credit-code').innerText()).to.equal(creditCode);
    expect(await tab.page.getByTestId('public-fundraising').getAttribute('data-value')).to.equal('true');
    await tab.page.getByTestId('empty').waitFor();
    expect(await tab.page.locator('.subnav a[aria-current="page"]').innerText()).to.equal('机构概况');
    expectClean(tab);
  });

  it('creates a project through the form, sending the target in fen, and lists it with a progress bar', async function () {
    const tab = await open();
    await tab.page.goto('/charity');
    await tab.page.locator('.subnav').getByRole('link', { name: '新建项目' }).click();
    await tab.page.getByLabel('项目编号').fill(projectId);
    await tab.page.getByLabel('项目名称').fill('冬季助学');
    await tab.page.getByLabel('目标金额（元）').fill('1000.10');
    await tab.page.getByTestId('create-project-submit').click();
    await tab.page.getByTestId('project-created').waitFor();
    expect(new URL(tab.page.url()).pathname).to.equal(`/charity/projects/${projectId}`);
    await figureReaches(tab.page, 'figure-target', 100010);
    expect(await project(projectId)).to.include({ charityId, title: '冬季助学', targetAmount: 100010, raised: 0 });

    await tab.page.goto('/charity');
    const card = tab.page.locator(`[data-testid="project-card"][data-id="${projectId}"]`);
    await card.waitFor();
    expect(await card.getByTestId('raised-progress').getAttribute('max')).to.equal('100010');
    expect(await card.getByTestId('figure-balance').getAttribute('data-fen')).to.equal('0');
    await card.getByRole('link', { name: '冬季助学' }).click();
    await tab.page.getByTestId('project-figures').waitFor();
    expect(new URL(tab.page.url()).pathname).to.equal(`/charity/projects/${projectId}`);
    expectClean(tab);
  });

  it('refuses a target that is not an amount in yuan beside the field, without calling the ledger', async function () {
    const tab = await open();
    await tab.page.goto('/charity/projects/new');
    await tab.page.getByLabel('项目编号').fill('bad-target');
    await tab.page.getByLabel('项目名称').fill('金额有误的项目');
    await tab.page.getByLabel('目标金额（元）').fill('12.345');
    await tab.page.getByTestId('create-project-submit').click();
    await tab.page.getByTestId('project-target-error').waitFor();
    expect(await tab.page.getByLabel('目标金额（元）').getAttribute('aria-invalid')).to.equal('true');
    expect((await portal.call('GET', '/api/v1/projects/bad-target', { token: staff })).status).to.equal(404);
    expectClean(tab);
  });

  it('records a named and an anonymous donation, showing their transaction and updating raised and balance', async function () {
    const tab = await open();
    await tab.page.goto(`/charity/projects/${projectId}`);
    const form = tab.page.getByTestId('donation-form');
    await form.waitFor();
    await form.getByLabel('证件号码').fill(donorId);
    await form.getByLabel('姓名（可不填）').fill('张三');
    await form.getByLabel('金额（元）').fill('200');
    await form.getByLabel('捐赠渠道').selectOption('alipay');
    await tab.page.getByTestId('donation-submit').click();
    const first = tab.page.getByTestId('donation-result');
    await first.waitFor();
    const namedId = (await first.getAttribute('data-id')) ?? '';
    expect(Number(await first.getByTestId('result-block').innerText())).to.be.greaterThan(0);
    expect(await first.getByTestId('result-tx').innerText()).to.match(/^[0-9a-f]{64}$/);
    await figureReaches(tab.page, 'figure-raised', 20000);
    await figureReaches(tab.page, 'figure-balance', 20000);
    const named = (await portal.call('GET', `/api/v1/donations/${namedId}`, { token: staff })).body;
    expect(named).to.include({ amount: 20000, anonymous: false, channel: 'alipay', projectId });
    expect(named.donorRef).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(named)).not.to.include('张三');

    await tab.page.getByTestId('donor-anonymous').check();
    await tab.page.getByTestId('donor-fields').waitFor({ state: 'detached' });
    await form.getByLabel('金额（元）').fill('50.25');
    await tab.page.getByTestId('donation-submit').click();
    await tab.page.locator(`[data-testid="donation-result"]:not([data-id="${namedId}"])`).waitFor();
    const anonId = (await tab.page.getByTestId('donation-result').getAttribute('data-id')) ?? '';
    await figureReaches(tab.page, 'figure-raised', 25025);
    await figureReaches(tab.page, 'figure-balance', 25025);
    expect((await portal.call('GET', `/api/v1/donations/${anonId}`, { token: staff })).body).to.include({ amount: 5025, anonymous: true });
    expect(await project(projectId)).to.include({ raised: 25025, balance: 25025, donationCount: 2 });
    expectClean(tab);
  });

  it('digests the evidence file in the browser and records a disbursement with that digest and its FIFO sources', async function () {
    const tab = await open();
    await tab.page.goto(`/charity/projects/${projectId}`);
    const form = tab.page.getByTestId('disbursement-form');
    await form.waitFor();
    const evidence = Buffer.from(`发票 No. 0001\n文具 120 元\n${Date.now()}\n`, 'utf8');
    const expected = createHash('sha256').update(evidence).digest('hex');
    await tab.page.getByTestId('evidence-file').setInputFiles({ name: 'invoice.txt', mimeType: 'text/plain', buffer: evidence });
    await tab.page.getByTestId('evidence-digest').waitFor();
    expect(await tab.page.getByTestId('evidence-digest').innerText()).to.equal(expected);
    await form.getByLabel('金额（元）').fill('120');
    await form.getByLabel('支出类别').selectOption('program');
    await form.getByLabel('收款单位（可不填）').fill('朝阳文具有限公司');
    await form.getByLabel('备注（可不填）').fill('冬季助学文具采购');
    await tab.page.getByTestId('disbursement-submit').click();
    const result = tab.page.getByTestId('disbursement-result');
    await result.waitFor();
    const id = (await result.getAttribute('data-id')) ?? '';
    const sources = result.getByTestId('disbursement-source');
    expect(await sources.count()).to.equal(1);
    expect(await sources.first().getAttribute('data-fen')).to.equal('12000');
    expect(await result.getByTestId('trace-link').getAttribute('href')).to.equal(`/audit/disbursements/${id}`);
    await figureReaches(tab.page, 'figure-disbursed', 12000);
    await figureReaches(tab.page, 'figure-balance', 13025);

    const recorded = (await portal.call('GET', `/api/v1/disbursements/${id}`, { token: staff })).body;
    expect(recorded).to.include({ amount: 12000, category: 'program', evidenceDigest: expected, payee: '朝阳文具有限公司' });
    expect(recorded.sources).to.have.length(1);
    expect(await sources.first().getAttribute('data-donation')).to.equal(recorded.sources[0].donationId);
    await readmeScreenshot(tab.page, 'charity-project');
    expectClean(tab);
  });

  it('shows INSUFFICIENT_FUNDS in plain words beside the form when a disbursement exceeds the balance', async function () {
    const tab = await open();
    await tab.page.goto(`/charity/projects/${projectId}`);
    const form = tab.page.getByTestId('disbursement-form');
    await form.waitFor();
    await form.getByLabel('金额（元）').fill('130.26');
    await tab.page.getByTestId('disbursement-submit').click();
    const error = form.locator('.form-error[data-code="INSUFFICIENT_FUNDS"]');
    await error.waitFor();
    expect(await error.innerText()).to.include('项目余额不足');
    expect(await tab.page.getByTestId('disbursement-result').count()).to.equal(0);
    expect(await project(projectId)).to.include({ disbursed: 12000, balance: 13025 });
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('refuses a memo with a phone number with the personal-data message beside the memo', async function () {
    const tab = await open();
    await tab.page.goto(`/charity/projects/${projectId}`);
    const form = tab.page.getByTestId('disbursement-form');
    await form.waitFor();
    await form.getByLabel('金额（元）').fill('1');
    await form.getByLabel('备注（可不填）').fill('经办人电话 13812345678');
    await tab.page.getByTestId('disbursement-submit').click();
    const error = form.locator('.form-error[data-code="PERSONAL_DATA_REFUSED"]');
    await error.waitFor();
    expect(await error.innerText()).to.include('个人信息不能写进账本');
    await tab.page.getByTestId('disbursement-memo-error').waitFor();
    expect(await form.getByLabel('备注（可不填）').getAttribute('aria-invalid')).to.equal('true');
    expect(await project(projectId)).to.include({ disbursed: 12000 });
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('imports 300 donations from CSV with progress to the end, totals matching the ledger, and a re-run records nothing new', async function () {
    const drive = 'csv-drive';
    expect((await portal.call('POST', '/api/v1/projects', { token: staff, body: { id: drive, title: '批量导入测试', targetAmount: 10_000_000 } })).status).to.equal(201);
    const lines = ['id,amount,idNumber,anonymous,channel'];
    let expectedFen = 0;
    for (let i = 1; i <= 300; i++) {
      const amount = 100 + i;
      expectedFen += amount;
      lines.push(i % 3 === 0 ? `imp-${i},${amount},,true,bank-transfer` : `imp-${i},${amount},${sampleResidentId()},,wechat-pay`);
    }
    lines.splice(51, 0, 'imp-bad-1,12.5,,true,');
    lines.splice(102, 0, 'imp-bad-2,300,123456,,');
    const csv = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const file = { name: 'donations.csv', mimeType: 'text/csv', buffer: csv };

    const tab = await open();
    await tab.page.goto(`/charity/import?project=${drive}`);
    await tab.page.getByTestId('import-file').setInputFiles(file);
    const check = tab.page.getByTestId('import-check');
    await check.waitFor();
    expect(await check.getAttribute('data-good')).to.equal('300');
    expect(await check.getAttribute('data-bad')).to.equal('2');
    await tab.page.getByTestId('import-submit').click();
    await tab.page.locator('[data-testid="import-result"][data-state="done"]').waitFor({ timeout: 60_000 });
    const progress = tab.page.getByTestId('import-progress');
    expect(await progress.getAttribute('data-done')).to.equal('302');
    expect(await progress.getAttribute('data-total')).to.equal('302');
    const summary = tab.page.getByTestId('import-summary');
    expect(await summary.getAttribute('data-recorded')).to.equal('300');
    expect(await summary.getAttribute('data-invalid')).to.equal('2');
    const invalid = tab.page.locator('[data-testid="import-row"][data-status="invalid"]');
    expect(await invalid.count()).to.equal(2);
    expect([await invalid.nth(0).getAttribute('data-line'), await invalid.nth(1).getAttribute('data-line')]).to.deep.equal(['52', '103']);
    expect(await project(drive)).to.include({ raised: expectedFen, balance: expectedFen, donationCount: 300 });

    const [download] = await Promise.all([tab.page.waitForEvent('download'), tab.page.getByTestId('import-download').click()]);
    const saved = fs.readFileSync((await download.path()) ?? '', 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/);
    expect(saved[0]).to.equal('line,id,amount,status,reason');
    expect(saved).to.have.length(303);

    await tab.page.goto(`/charity/import?project=${drive}`);
    await tab.page.getByTestId('import-file').setInputFiles(file);
    await tab.page.getByTestId('import-check').waitFor();
    await tab.page.getByTestId('import-submit').click();
    await tab.page.locator('[data-testid="import-result"][data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await summary.getAttribute('data-recorded')).to.equal('0');
    expect(await summary.getAttribute('data-already')).to.equal('300');
    expect(await project(drive)).to.include({ raised: expectedFen, donationCount: 300 });
    expectClean(tab);
  });

  it('imports a different file that repeats recorded donations, recording only the new rows', async function () {
    const drive = 'csv-drive';
    const before = await project(drive);
    const lines = ['id,amount,anonymous'];
    for (let i = 1; i <= 30; i++) lines.push(`imp-${i * 3},${100 + i * 3},true`);
    for (let i = 1; i <= 10; i++) lines.push(`imp-extra-${i},1000,true`);
    const tab = await open();
    await tab.page.goto(`/charity/import?project=${drive}`);
    await tab.page.getByTestId('import-file').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n'), 'utf8') });
    await tab.page.getByTestId('import-check').waitFor();
    await tab.page.getByTestId('import-submit').click();
    await tab.page.locator('[data-testid="import-result"][data-state="done"]').waitFor({ timeout: 60_000 });
    const summary = tab.page.getByTestId('import-summary');
    expect(await summary.getAttribute('data-already')).to.equal('30');
    expect(await summary.getAttribute('data-recorded')).to.equal('10');
    expect(await summary.getAttribute('data-failed')).to.equal('0');
    expect(await project(drive)).to.include({ raised: before.raised + 10_000, donationCount: before.donationCount + 10 });
    // The refused first try (409) and the look-ups of the new rows (404) are expected answers.
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('fits the project page on a phone screen with no serious accessibility violations', async function () {
    const tab = await open({ viewport: PHONE, bypassCSP: true });
    await tab.page.goto(`/charity/projects/${projectId}`);
    await tab.page.getByTestId('project-figures').waitFor();
    await tab.page.getByTestId('beneficiary-toggle').check();
    await tab.page.getByTestId('beneficiary-fields').waitFor();
    expect(await fitsWidth(tab.page)).to.equal(true);
    expect(await seriousA11yViolations(tab.page)).to.deep.equal([]);
    expectClean(tab);
  });

  it('tells a ledger that cannot be reached apart from an error, on the page and beside a form', async function () {
    const tab = await open();
    const unavailable = { status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'peer down', code: 'LEDGER_UNAVAILABLE' }) };
    await tab.page.route(`**/api/v1/projects/${projectId}`, (route) => route.fulfill(unavailable));
    await tab.page.goto(`/charity/projects/${projectId}`);
    const notice = tab.page.getByTestId('unreachable');
    await notice.waitFor();
    expect(await notice.innerText()).to.include('账本暂时无法连接');
    await tab.page.unroute(`**/api/v1/projects/${projectId}`);
    await notice.getByRole('button', { name: '重试' }).click();
    await tab.page.getByTestId('project-figures').waitFor();

    await tab.page.route('**/api/v1/donations', (route) => route.fulfill(unavailable));
    await tab.page.getByTestId('donor-anonymous').check();
    await tab.page.getByTestId('donation-form').getByLabel('金额（元）').fill('1');
    await tab.page.getByTestId('donation-submit').click();
    const error = tab.page.getByTestId('donation-form').locator('.form-error[data-code="LEDGER_UNAVAILABLE"]');
    await error.waitFor();
    expect(await error.innerText()).to.include('账本暂时无法连接');
    expect(await project(projectId)).to.include({ donationCount: 2 });
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it('says in plain words that a project does not exist, in Chinese and in English', async function () {
    const tab = await open();
    await tab.page.goto('/charity/projects/no-such-project');
    const error = tab.page.getByTestId('error');
    await error.waitFor();
    expect(await error.innerText()).to.include('没有找到这个项目');
    await tab.page.getByTestId('lang-toggle').click();
    await tab.page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    expect(await error.innerText()).to.include('There is no such project');
    expect(await tab.page.locator('.subnav a').first().innerText()).to.equal('Overview');
    expectClean(tab, [HTTP_ERROR_LOG]);
  });

  it("does not show this charity's project to a user of another charity, and says why in plain words", async function () {
    const tab = await open({ token: otherStaff });
    await tab.page.goto(`/charity/projects/${projectId}`);
    const error = tab.page.locator('[data-testid="error"][data-code="FORBIDDEN"]');
    await error.waitFor();
    expect(await error.innerText()).to.include('不属于您所代表的慈善组织');
    expect(await tab.page.getByTestId('project-figures').count()).to.equal(0);
    expect(await tab.page.getByTestId('donation-form').count()).to.equal(0);
    expect(new URL(tab.page.url()).pathname).to.equal(`/charity/projects/${projectId}`);
    expectClean(tab, [HTTP_ERROR_LOG]);
  });
});
