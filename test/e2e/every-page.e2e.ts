import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { PHONE, expectClean, fitsWidth, openTab } from './support/browser';
import { startPortal, type Portal } from './support/portal';

interface Visit {
  /** Who opens it: a token's claims, or nobody. */
  as?: { sub: string; org: 'civil' | 'charity' | 'audit'; roles: string[]; charity?: string };
  path: string;
}

/**
 * Every page of the portal, as the role that uses it, in both languages and
 * at phone width: each settles (no spinner left) with a heading, fits the
 * screen without sideways scrolling, logs no console error (a missing
 * translation is one) and requests nothing from another origin.
 */
describe('every portal page (Chromium)', function () {
  this.timeout(300_000);
  let portal: Portal;
  const visits: Visit[] = [];

  before(async function () {
    portal = await startPortal();
    const { call } = portal;
    const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
    const issuer = { sub: 'clerk-crawl', org: 'civil' as const, roles: ['issuer', 'verifier'] };
    const registrar = { sub: 'reg-crawl', org: 'civil' as const, roles: ['registrar'] };
    const staff = { sub: 'staff-crawl', org: 'charity' as const, roles: ['charity'], charity: 'crawl-charity' };
    const auditor = { sub: 'aud-crawl', org: 'audit' as const, roles: ['auditor'] };
    const tokens = {
      issuer: await portal.token(issuer),
      registrar: await portal.token(registrar),
      staff: await portal.token(staff),
    };
    const ok = (r: { status: number; text: string }, status = 201) => expect(r.status, r.text).to.equal(status);

    const cert = await call('POST', '/api/v1/certificates', { token: tokens.issuer, body: lowIncomeBody(newIdNumber()) });
    ok(cert);
    ok(await call('POST', '/api/v1/charities', { token: tokens.registrar, body: { id: 'crawl-charity', name: '遍历慈善会', creditCode: '53100000500021676K', publicFundraising: true } }));
    ok(await call('POST', '/api/v1/projects', { token: tokens.staff, body: { id: 'crawl-project', title: '助学项目', targetAmount: 1_000_000 } }));
    const donation = await call('POST', '/api/v1/donations', { token: tokens.staff, body: { projectId: 'crawl-project', amount: 50_000, donor: { anonymous: true } } });
    ok(donation);
    const paid = await call('POST', '/api/v1/disbursements', { token: tokens.staff, body: { projectId: 'crawl-project', amount: 20_000, category: 'program', payee: '县中心小学' } });
    ok(paid);

    const digest = createHash('sha256').update(cert.body.credential).digest('hex');
    for (const path of ['/', '/verify', `/verify#vc=${cert.body.credential}`, `/credential#vc=${cert.body.credential}`, `/v/${cert.body.id}#d=${digest}`, '/docs', '/login', '/no/such/page']) {
      visits.push({ path });
    }
    for (const path of ['/registry', '/registry/issue', '/registry/batch', '/registry/search', `/registry/certificates/${cert.body.id}`]) visits.push({ as: issuer, path });
    for (const path of ['/registry', '/registry/types', '/registry/charities']) visits.push({ as: registrar, path });
    for (const path of ['/charity', '/charity/projects/new', '/charity/projects/crawl-project', '/charity/import']) visits.push({ as: staff, path });
    for (const path of [
      '/audit',
      `/audit/charities/crawl-charity?year=${year}`,
      `/audit/donations/${donation.body.id}`,
      `/audit/disbursements/${paid.body.id}`,
      `/audit/transactions/${paid.body.txId}`,
      '/audit/ledger',
    ]) {
      visits.push({ as: auditor, path });
    }
  });
  after(async () => portal?.close());

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`renders every page in ${lang} at phone width, cleanly`, async function () {
      const failures: string[] = [];
      for (const visit of visits) {
        const token = visit.as ? await portal.token(visit.as) : undefined;
        const tab = await openTab(portal.browser, portal.baseUrl, { viewport: PHONE, token, lang });
        const where = `${visit.path} (${visit.as?.sub ?? 'public'})`;
        try {
          await tab.page.goto(visit.path);
          await tab.page.locator('main h1').first().waitFor({ timeout: 10_000 });
          await tab.page.locator('[data-testid="loading"]').first().waitFor({ state: 'detached', timeout: 15_000 });
          if ((await tab.page.getAttribute('html', 'lang')) !== lang) failures.push(`${where}: html lang is not ${lang}`);
          if (!(await fitsWidth(tab.page))) failures.push(`${where}: wider than a phone`);
          expectClean(tab);
        } catch (err) {
          failures.push(`${where}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        } finally {
          await tab.close();
        }
      }
      expect(failures).to.deep.equal([]);
    });
  }
});
