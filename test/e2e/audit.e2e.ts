import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sampleResidentId } from '../../scripts/sample-ids';
import { HTTP_ERROR_LOG, PHONE, expectClean, fitsWidth, openTab, seriousA11yViolations, type PortalTab, readmeScreenshot } from './support/browser';
import { startPortal, type Portal } from './support/portal';

/** The accounting year the ledger gives a record dated now: the calendar year in China (UTC+8). */
const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();

describe('audit console (Chromium)', function () {
  let portal: Portal;
  let auditor: string;
  const run = randomUUID().slice(0, 8);
  const charityA = `ch-audit-${run}`;
  const charityB = `ch-other-${run}`;
  let tokA: string;
  let tokB: string;
  const projects = { meals: { id: `p-meals-${run}`, title: '乡村儿童营养餐' }, books: { id: `p-books-${run}`, title: '山区助学图书角' } };
  /** The first named donation to the meals project, whose money two disbursements use. */
  let donationX: { id: string; txId: string; blockNumber: number };
  /** The management disbursement of the meals project, paid from two donations. */
  let managementId: string;

  async function post(token: string, p: string, body: unknown): Promise<any> {
    const r = await portal.call('POST', p, { token, body });
    expect(r.status, `${p}: ${r.text}`).to.equal(201);
    return r.body;
  }

  const donate = (projectId: string, amount: number, donor: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    post(tokA, '/api/v1/donations', { projectId, amount, donor, channel: 'bank-transfer', ...extra });
  const named = () => ({ idNumber: sampleResidentId(), name: '李四' });
  const disburse = (projectId: string, amount: number, category: string, who: Record<string, unknown>) =>
    post(tokA, '/api/v1/disbursements', { projectId, amount, category, ...who });

  before(async function () {
    portal = await startPortal();
    const registrar = await portal.token({ sub: 'registrar-1', org: 'civil', roles: ['registrar'] });
    auditor = await portal.token({ sub: 'auditor-1', org: 'audit', roles: ['auditor'] });
    for (const [id, name] of [[charityA, '春苗慈善基金会'], [charityB, '晨光公益基金会']]) {
      await post(registrar, '/api/v1/charities', { id, name, creditCode: '53100000500021676K', publicFundraising: true });
    }
    tokA = await portal.token({ sub: 'staff-a', org: 'charity', roles: ['charity'], charity: charityA });
    tokB = await portal.token({ sub: 'staff-b', org: 'charity', roles: ['charity'], charity: charityB });
    for (const p of Object.values(projects)) await post(tokA, '/api/v1/projects', { id: p.id, title: p.title, targetAmount: 10_000_000 });

    // Last year's income makes the 70% rule measurable; FIFO spends it first in the books project.
    await donate(projects.books.id, 2_000_000, named(), { receivedAt: `${YEAR - 1}-06-01` });
    donationX = await donate(projects.meals.id, 500_000, named());
    await donate(projects.meals.id, 200_000, { anonymous: true });
    await donate(projects.meals.id, 300_000, named());
    await donate(projects.books.id, 400_000, named());
    await donate(projects.books.id, 100_000, { anonymous: true });

    await disburse(projects.meals.id, 400_000, 'program', { payee: '县教育局食堂' });
    managementId = (await disburse(projects.meals.id, 150_000, 'management', { payee: '基金会行政部' })).id;
    await disburse(projects.books.id, 200_000, 'program', { beneficiary: { idNumber: sampleResidentId(), name: '王小明' } });
    await disburse(projects.books.id, 50_000, 'fundraising', { payee: '网络募捐平台' });
  });
  after(async function () {
    await portal?.close();
  });

  async function reportTab(options: { viewport?: { width: number; height: number }; bypassCSP?: boolean } = {}): Promise<PortalTab> {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor, ...options });
    await tab.page.goto(`/audit/charities/${charityA}?year=${YEAR}`);
    await tab.page.locator('[data-testid="flow-chart"] svg').first().waitFor();
    return tab;
  }

  it('lists the charity with its latest year and its findings counted by severity', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor });
    await tab.page.goto('/audit');
    const row = tab.page.locator(`[data-testid="charity-row"][data-charity-id="${charityA}"]`);
    await row.locator('[data-testid="finding-counts"]').waitFor();
    expect(await row.locator('h2').innerText()).to.equal('春苗慈善基金会');
    expect(await row.locator('[data-testid="latest-report"]').getAttribute('data-year')).to.equal(String(YEAR));
    expect(await row.locator('[data-testid="finding-counts"]').getAttribute('data-total')).to.equal('2');
    expect(await row.locator('.badge[data-severity="high"]').innerText()).to.match(/严重\s*1/);
    expect(await row.locator('.badge[data-severity="medium"]').innerText()).to.match(/中等\s*1/);
    // The other charity has no money yet: no findings, said in words.
    const other = tab.page.locator(`[data-testid="charity-row"][data-charity-id="${charityB}"]`);
    await other.locator('[data-testid="finding-counts"]').waitFor();
    expect(await other.locator('[data-testid="finding-counts"]').getAttribute('data-total')).to.equal('0');
    expect(await tab.page.locator('.subnav a[aria-current="page"]').innerText()).to.equal('慈善组织');
    expectClean(tab);
    await tab.close();
  });

  it('shows the year’s figures, the ratios against their thresholds, the findings and a sankey of the money flow', async function () {
    const tab = await reportTab();
    const { page } = tab;
    expect(await page.locator('h1').innerText()).to.include('春苗慈善基金会');
    expect(await page.getByTestId('figure-income').innerText()).to.match(/15,000\.00/);
    expect(await page.getByTestId('figure-previous-income').innerText()).to.match(/20,000\.00/);
    expect(await page.getByTestId('figure-program').innerText()).to.match(/6,000\.00/);
    expect(await page.getByTestId('figure-management').innerText()).to.match(/1,500\.00/);
    expect(await page.getByTestId('figure-fundraising').innerText()).to.match(/500\.00/);
    expect(await page.getByTestId('figure-total').innerText()).to.match(/8,000\.00/);
    // 6,000 of last year's 20,000 is 30%; 1,500 of 8,000 is 18.75%.
    const program = page.getByTestId('ratio-program');
    expect(await program.getAttribute('data-standing')).to.equal('fails');
    expect(await program.innerText()).to.include('30.00%').and.include('70%');
    const management = page.getByTestId('ratio-management');
    expect(await management.getAttribute('data-standing')).to.equal('fails');
    expect(await management.innerText()).to.include('18.75%').and.include('10%');

    const findings = page.getByTestId('finding');
    expect(await findings.count()).to.equal(2);
    expect(await page.locator('[data-testid="finding"][data-severity="high"]').innerText()).to.include('70%').and.match(/14,000\.00/);
    expect(await page.locator('[data-testid="finding"][data-severity="medium"]').innerText()).to.include('10%').and.match(/800\.00/);

    const chart = page.getByTestId('flow-chart');
    expect(await chart.getAttribute('aria-label')).to.include(projects.meals.title);
    const svgText = await chart.locator('svg').first().innerHTML();
    expect(svgText).to.include(projects.meals.title).and.include(projects.books.title);
    expect(svgText).to.include('本年度未支出').and.include('往年结余捐赠');
    // Hovering draws the tooltip (as SVG text, not HTML); it must not break anything.
    await chart.hover();
    // The same flows as a table, for screen readers and small screens.
    await page.getByText('以表格查看资金流向').click();
    expect(await page.locator('[data-testid="flow-table"] tbody tr').count()).to.be.greaterThan(5);

    expect(await page.getByTestId('donation-row').count()).to.equal(5);
    expect(await page.getByTestId('disbursement-row').count()).to.equal(4);
    expect(await seriousA11yViolations(page)).to.deep.equal([]);
    await readmeScreenshot(page.locator('[data-testid="flow-chart"]').locator('xpath=ancestor::section[1]'), 'audit-flow');
    expectClean(tab);
    await tab.close();
  });

  it('opens the latest year with money in it when no year is asked for', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor, lang: 'en' });
    await tab.page.goto(`/audit/charities/${charityA}`);
    await tab.page.getByTestId('figures').waitFor();
    expect(await tab.page.getByTestId('year-select').inputValue()).to.equal(String(YEAR));
    expect(await tab.page.getByTestId('figures').innerText()).to.include(`Income and spending in ${YEAR}`);
    // Choosing last year shows its own figures: its income and no spending.
    await tab.page.getByTestId('year-select').selectOption(String(YEAR - 1));
    await tab.page.waitForURL(`**/audit/charities/${charityA}?year=${YEAR - 1}`);
    await tab.page.getByText(`Income and spending in ${YEAR - 1}`).waitFor();
    expect(await tab.page.getByTestId('figure-income').innerText()).to.match(/20,000\.00/);
    expect(await tab.page.getByTestId('figure-total').innerText()).to.match(/0\.00/);
    expectClean(tab);
    await tab.close();
  });

  it('downloads the year’s CSV export, the same rows as the API’s export', async function () {
    const tab = await reportTab();
    const [download] = await Promise.all([tab.page.waitForEvent('download'), tab.page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).to.equal(`${charityA}-${YEAR}.csv`);
    const file = await download.path();
    const text = fs.readFileSync(file, 'utf8');
    const api = await portal.call('GET', `/api/v1/audit/charities/${charityA}/export.csv?year=${YEAR}`, { token: auditor });
    expect(api.status).to.equal(200);
    expect(text).to.equal(api.text);
    const rows = text.trim().split('\r\n');
    expect(rows).to.have.length(1 + 5 + 4);
    expect(rows[0]).to.match(/^record,id,/);
    expectClean(tab);
    await tab.close();
  });

  it('follows a donation from the report to where its money went, with the allocations adding up', async function () {
    const tab = await reportTab();
    await tab.page.locator(`[data-testid="donation-row"][data-id="${donationX.id}"] a[href^="/audit/donations/"]`).click();
    await tab.page.waitForURL(`**/audit/donations/${donationX.id}`);
    const allocations = tab.page.getByTestId('allocation');
    await allocations.first().waitFor();
    const trace = await portal.call('GET', `/api/v1/audit/donations/${donationX.id}/trace`, { token: auditor });
    expect(trace.body.allocations).to.have.length(2);
    expect(await allocations.count()).to.equal(2);
    const fen: number[] = [];
    for (const row of await allocations.all()) fen.push(Number(await row.getAttribute('data-fen')));
    const remaining = Number(await tab.page.getByTestId('remaining').getAttribute('data-fen'));
    expect(fen.reduce((a, b) => a + b, 0)).to.equal(500_000 - remaining);
    expect(fen).to.deep.equal([400_000, 100_000]);
    expect(await allocations.nth(1).innerText()).to.include('管理费用').and.include('基金会行政部');
    expect(await allocations.first().locator('a[href^="/audit/transactions/"]').count()).to.equal(1);
    // The donation's own transaction, with the block the ledger put it in.
    await tab.page.getByTestId('donation').getByText(`区块 ${donationX.blockNumber}`).waitFor();
    expectClean(tab);
    await tab.close();
  });

  it('shows whose donations paid for a disbursement', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor });
    await tab.page.goto(`/audit/disbursements/${managementId}`);
    const sources = tab.page.getByTestId('source');
    await sources.first().waitFor();
    expect(await sources.count()).to.equal(2);
    expect(await sources.first().getAttribute('data-id')).to.equal(donationX.id);
    expect(await sources.nth(1).innerText()).to.include('匿名捐赠人');
    await sources.first().locator('a[href^="/audit/donations/"]').click();
    await tab.page.waitForURL(`**/audit/donations/${donationX.id}`);
    await tab.page.getByTestId('allocation').first().waitFor();
    expectClean(tab);
    await tab.close();
  });

  it('shows what the ledger holds for a transaction: its block and function', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor });
    await tab.page.goto(`/audit/transactions/${donationX.txId}`);
    await tab.page.getByTestId('transaction').waitFor();
    expect(await tab.page.getByTestId('tx-block').innerText()).to.equal(String(donationX.blockNumber));
    expect(await tab.page.getByTestId('tx-function').innerText()).to.include('登记捐赠').and.include('RecordDonation');
    expect(await tab.page.getByTestId('tx-validation').getAttribute('data-code')).to.equal('VALID');
    expect(await tab.page.getByTestId('tx-writes').innerText()).to.include(donationX.id);
    expectClean(tab);
    await tab.close();
  });

  it('checks the ledger on demand and says it is intact', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor });
    await tab.page.goto('/audit/ledger');
    await tab.page.getByTestId('ledger-verify').click();
    await tab.page.locator('[data-testid="ledger-result"][data-ok="true"]').waitFor();
    expect(await tab.page.getByTestId('ledger-result').innerText()).to.include('账本完整');
    const height = Number(await tab.page.getByTestId('ledger-height').innerText());
    expect(height).to.be.greaterThan(donationX.blockNumber);
    expect(Number(await tab.page.getByTestId('ledger-checked').innerText())).to.equal(height);
    expect(await tab.page.locator('[data-testid="ledger-checks"] li').count()).to.be.greaterThan(0);
    expectClean(tab);
    await tab.close();
  });

  it('tells a charity user in plain words that another charity’s report is not theirs, and shows them their own', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: tokB });
    await tab.page.goto(`/audit/charities/${charityA}?year=${YEAR}`);
    await tab.page.getByTestId('forbidden').waitFor();
    expect(await tab.page.getByTestId('forbidden').innerText()).to.include('无权查看这家慈善组织');
    expect(new URL(tab.page.url()).pathname).to.equal(`/audit/charities/${charityA}`);
    expect(await tab.page.getByTestId('finding').count()).to.equal(0);
    expectClean(tab, [HTTP_ERROR_LOG]);
    await tab.close();

    const own = await openTab(portal.browser, portal.baseUrl, { token: tokA });
    await own.page.goto(`/audit/charities/${charityA}?year=${YEAR}`);
    await own.page.getByTestId('finding').first().waitFor();
    // Ledger-level pages are for auditors: the charity sees transactions as text, not links.
    await own.page.getByTestId('donation-row').first().waitFor();
    expect(await own.page.locator('[data-testid="donation-row"] [data-testid="tx-link"]').count()).to.equal(0);
    expectClean(own);
    await own.close();
  });

  it('shows an empty year as empty: no chart, no rows, no findings', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor });
    await tab.page.goto(`/audit/charities/${charityB}?year=${YEAR}`);
    await tab.page.getByTestId('no-findings').waitFor();
    await tab.page.getByTestId('empty').first().waitFor();
    expect(await tab.page.getByTestId('figure-total').innerText()).to.match(/0\.00/);
    expect(await tab.page.getByTestId('ratio-management').getAttribute('data-standing')).to.equal('none');
    expect(await tab.page.getByTestId('empty').count()).to.equal(3);
    expect(await tab.page.getByTestId('flow-chart').count()).to.equal(0);
    expectClean(tab);
    await tab.close();
  });

  it('says the ledger cannot be reached (not that anything is wrong) and recovers on retry', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { token: auditor });
    const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'ledger down', code: 'LEDGER_UNAVAILABLE' };
    await tab.page.route('**/api/v1/charities?*', (r) => r.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify(problem) }));
    await tab.page.goto('/audit');
    await tab.page.getByTestId('unreachable').waitFor();
    expect(await tab.page.getByTestId('unreachable').innerText()).to.include('账本暂时无法连接');
    await tab.page.unroute('**/api/v1/charities?*');
    await tab.page.getByTestId('unreachable').getByRole('button').click();
    await tab.page.locator(`[data-testid="charity-row"][data-charity-id="${charityA}"]`).waitFor();
    expectClean(tab, [HTTP_ERROR_LOG]);
    await tab.close();
  });

  it('fits a phone: the chart follows the screen and the tables scroll inside their frame', async function () {
    const tab = await reportTab({ viewport: PHONE });
    const { page } = tab;
    await page.getByTestId('donation-row').first().waitFor();
    expect(await fitsWidth(page)).to.equal(true);
    const chartWidth = Number(await page.getByTestId('flow-chart').locator('svg').first().getAttribute('width'));
    expect(chartWidth).to.be.greaterThan(200).and.at.most(PHONE.width);
    expectClean(tab);
    await tab.close();
  });
});
