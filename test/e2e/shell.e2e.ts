import { expect } from 'chai';
import { PHONE, expectClean, fitsWidth, openTab } from './support/browser';
import { startPortal, type Portal } from './support/portal';

describe('portal shell (Chromium)', function () {
  let portal: Portal;
  before(async function () {
    portal = await startPortal();
  });
  after(async function () {
    await portal?.close();
  });

  it('serves the portal at / in Chinese, from its own origin only', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    const res = await tab.page.goto('/');
    expect(res?.status()).to.equal(200);
    expect(res?.headers()['content-security-policy']).to.include("default-src 'self'");
    expect(await tab.page.getAttribute('html', 'lang')).to.equal('zh-CN');
    await tab.page.getByRole('heading', { level: 1 }).waitFor();
    expect(await tab.page.locator('h1').innerText()).to.match(/[\u4e00-\u9fff]/);
    expectClean(tab);
    await tab.close();
  });

  it('remembers the English switch across pages and visits', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl);
    await tab.page.goto('/');
    await tab.page.getByTestId('lang-toggle').click();
    await tab.page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await tab.page.goto('/verify');
    await tab.page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    expect(await tab.page.getByTestId('lang-toggle').count()).to.equal(1);
    await tab.page.getByTestId('lang-toggle').click();
    await tab.page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
    expectClean(tab);
    await tab.close();
  });

  it('routes deep links to the app and keeps the API answering JSON', async function () {
    const page = await portal.call('GET', '/audit/charities/x?year=2026');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/text\/html/);
    const api = await portal.call('GET', '/api/v1/nothing-here');
    expect(api.status).to.equal(404);
    expect(api.headers.get('content-type')).to.match(/problem\+json/);
    const asset = await portal.call('GET', '/assets/missing.js');
    expect(asset.status).to.equal(404);
  });

  it('fits a phone screen without sideways scrolling', async function () {
    const tab = await openTab(portal.browser, portal.baseUrl, { viewport: PHONE });
    await tab.page.goto('/');
    await tab.page.getByRole('heading', { level: 1 }).waitFor();
    expect(await fitsWidth(tab.page)).to.equal(true);
    expectClean(tab);
    await tab.close();
  });
});
