import { expect } from 'chai';
import { charityName } from '../support/names';
import { createHash, randomUUID } from 'node:crypto';
import type { Call } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { expectProblem, lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

interface Listed {
  items: Array<Record<string, unknown> & { id: string }>;
  nextCursor?: string;
}

/**
 * The endpoints the portal reads besides the v1 contract: listings of
 * charities, of a charity's projects and of a charity-year's records, the
 * short-link verification, and the demo login's absence outside development.
 */
export function portalApiScenarios(opts: SuiteOptions): void {
  describe(`portal API [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let registrar: string;
    let auditor: string;
    let issuer: string;
    let tokA: string;
    let tokB: string;
    const run = randomUUID().slice(0, 8);
    const charityA = `pa-a-${run}`;
    const charityB = `pa-b-${run}`;
    const year = new Date().getUTCFullYear() - 1;
    const projects: string[] = [];

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      registrar = await h.token({ sub: `reg-${run}`, org: 'civil', roles: ['registrar'] });
      auditor = await h.token({ sub: `aud-${run}`, org: 'audit', roles: ['auditor'] });
      issuer = await h.token({ sub: `iss-${run}`, org: 'civil', roles: ['issuer'] });
      for (const id of [charityA, charityB]) {
        const r = await api('POST', '/api/v1/charities', { token: registrar, body: { id, name: charityName('慈善会', id), creditCode: '53100000500021676K', publicFundraising: true } });
        expect(r.status, r.text).to.equal(201);
      }
      tokA = await h.token({ sub: `staff-a-${run}`, org: 'charity', roles: ['charity'], charity: charityA });
      tokB = await h.token({ sub: `staff-b-${run}`, org: 'charity', roles: ['charity'], charity: charityB });
      for (const [token, id] of [[tokA, `pa-p1-${run}`], [tokA, `pa-p2-${run}`], [tokB, `pa-p3-${run}`]] as const) {
        const r = await api('POST', '/api/v1/projects', { token, body: { id, title: '助学项目', targetAmount: 1_000_000 } });
        expect(r.status, r.text).to.equal(201);
        projects.push(id);
      }
    });
    after(async () => h?.close());

    /** Every page of a listing, following nextCursor. */
    async function all(path: string, token: string, limit: number): Promise<Listed['items']> {
      const items: Listed['items'] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 1000; pages++) {
        const sep = path.includes('?') ? '&' : '?';
        const r = await api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
        expect(r.status, r.text).to.equal(200);
        const page = r.body as Listed;
        items.push(...page.items);
        if (!page.nextCursor) return items;
        cursor = page.nextCursor;
      }
      throw new Error('listing did not end');
    }

    it('lists every charity to auditors and the registrar, a page at a time, and only its own to a charity user', async function () {
      for (const token of [auditor, registrar]) {
        const ids = (await all('/api/v1/charities', token, 2)).map((c) => c.id);
        expect(ids).to.include.members([charityA, charityB]);
        expect(new Set(ids).size, 'no charity listed twice').to.equal(ids.length);
      }
      const own = await api('GET', '/api/v1/charities', { token: tokA });
      expect(own.status).to.equal(200);
      expect((own.body as Listed).items.map((c) => c.id)).to.deep.equal([charityA]);
      expectProblem(await api('GET', '/api/v1/charities', { token: issuer }), 403, 'FORBIDDEN');
    });

    it('lists a charity’s projects with their figures to the charity and its supervisors, and to no other charity', async function () {
      const mine = await all(`/api/v1/charities/${charityA}/projects`, tokA, 1);
      expect(mine.map((p) => p.id)).to.deep.equal([`pa-p1-${run}`, `pa-p2-${run}`]);
      expect(mine[0]).to.include({ charityId: charityA, targetAmount: 1_000_000, raised: 0, disbursed: 0, balance: 0 });
      expect((await all(`/api/v1/charities/${charityA}/projects`, auditor, 50)).map((p) => p.id)).to.have.length(2);
      expect((await all(`/api/v1/charities/${charityA}/projects`, registrar, 50)).map((p) => p.id)).to.have.length(2);
      expectProblem(await api('GET', `/api/v1/charities/${charityA}/projects`, { token: tokB }), 403, 'FORBIDDEN');
      expectProblem(await api('GET', `/api/v1/charities/nope-${run}/projects`, { token: auditor }), 404, 'CHARITY_NOT_FOUND');
    });

    it('refuses a projects cursor taken from another charity’s listing', async function () {
      const first = await api('GET', `/api/v1/charities/${charityA}/projects?limit=1`, { token: auditor });
      const cursor = (first.body as Listed).nextCursor;
      expect(cursor).to.be.a('string');
      expectProblem(await api('GET', `/api/v1/charities/${charityB}/projects?cursor=${cursor}`, { token: auditor }), 400, 'VALIDATION_FAILED');
    });

    it('pages a charity-year’s donations and disbursements with their blocks, to auditors and the charity itself', async function () {
      const project = `pa-p1-${run}`;
      const amounts = [5000, 7000, 9000];
      for (const amount of amounts) {
        const r = await api('POST', '/api/v1/donations', {
          token: tokA,
          body: { projectId: project, amount, donor: { idNumber: newIdNumber(), name: '王五' }, receivedAt: `${year}-03-01` },
        });
        expect(r.status, r.text).to.equal(201);
      }
      const paid = await api('POST', '/api/v1/disbursements', {
        token: tokA,
        body: { projectId: project, amount: 6000, category: 'program', payee: '县中心小学', paidAt: `${year}-04-01` },
      });
      expect(paid.status, paid.text).to.equal(201);

      const donations = await all(`/api/v1/audit/charities/${charityA}/records?year=${year}&kind=donations`, auditor, 2);
      expect(donations.map((d) => d.amount)).to.deep.equal(amounts);
      for (const d of donations) expect(d.blockNumber).to.be.a('number');
      expect(JSON.stringify(donations)).to.not.include('王五');
      const disbursements = await all(`/api/v1/audit/charities/${charityA}/records?year=${year}&kind=disbursements`, tokA, 10);
      expect(disbursements).to.have.length(1);
      expect(disbursements[0]).to.include({ amount: 6000, category: 'program' });
      expect(disbursements[0].sources).to.deep.equal([{ donationId: donations[0].id, amount: 5000 }, { donationId: donations[1].id, amount: 1000 }]);

      expectProblem(await api('GET', `/api/v1/audit/charities/${charityA}/records?year=${year}&kind=donations`, { token: tokB }), 403, 'FORBIDDEN');
      expectProblem(await api('GET', `/api/v1/audit/charities/${charityA}/records?year=${year}&kind=bogus`, { token: auditor }), 400, 'VALIDATION_FAILED');
      expectProblem(await api('GET', `/api/v1/audit/charities/${charityA}/records?kind=donations`, { token: auditor }), 400, 'VALIDATION_FAILED');
    });

    describe('short-link verification', function () {
      const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
      let issued: { id: string; credential: string; blockNumber: number; txId: string };

      before(async function () {
        const r = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
        expect(r.status, r.text).to.equal(201);
        issued = r.body;
      });

      it('proves an active certificate from its id and its credential’s digest: anchor, issuer, status and validity', async function () {
        const r = await api('POST', '/api/v1/verify/reference', { body: { id: issued.id, digest: sha256(issued.credential) } });
        expect(r.status, r.text).to.equal(200);
        expect(r.body.valid).to.equal(true);
        expect(r.body.status).to.equal('active');
        expect(r.body.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).to.deep.equal([
          ['anchor', true],
          ['issuer', true],
          ['status', true],
          ['validity', true],
        ]);
        expect(r.body.certificate).to.include({ id: issued.id, type: 'low-income-household', status: 'active' });
        expect(r.body.anchor).to.deep.equal({ txId: issued.txId, blockNumber: issued.blockNumber });
      });

      it('answers a wrong digest exactly as an unknown id, telling nothing of the record', async function () {
        const wrong = await api('POST', '/api/v1/verify/reference', { body: { id: issued.id, digest: sha256('something else') } });
        const unknown = await api('POST', '/api/v1/verify/reference', { body: { id: `nope-${run}`, digest: sha256('something else') } });
        expect(wrong.status).to.equal(200);
        expect(wrong.body).to.deep.equal(unknown.body);
        expect(wrong.body).to.include({ valid: false, status: 'unknown' });
        expect(wrong.body).to.not.have.property('certificate');
        expect(wrong.body).to.not.have.property('anchor');
      });

      it('shows a suspended certificate as not valid, with its status', async function () {
        const other = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
        expect(other.status).to.equal(201);
        const s = await api('POST', `/api/v1/certificates/${other.body.id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review' } });
        expect(s.status, s.text).to.equal(200);
        const r = await api('POST', '/api/v1/verify/reference', { body: { id: other.body.id, digest: sha256(other.body.credential).toUpperCase() } });
        expect(r.body).to.include({ valid: false, status: 'suspended' });
        expect(r.body.checks.find((c: { name: string }) => c.name === 'status').ok).to.equal(false);
      });

      it('refuses a malformed id or digest with 400', async function () {
        expectProblem(await api('POST', '/api/v1/verify/reference', { body: { id: issued.id, digest: 'abc' } }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('POST', '/api/v1/verify/reference', { body: { id: '../x', digest: sha256('x') } }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('POST', '/api/v1/verify/reference', { body: [] }), 400, 'VALIDATION_FAILED');
      });
    });

    it('tells a logged-in caller who the gateway takes it for, and refuses a missing token', async function () {
      const me = await api('GET', '/api/v1/me', { token: tokA });
      expect(me.status, me.text).to.equal(200);
      expect(me.body).to.include({ sub: `staff-a-${run}`, org: 'charity', mspId: 'CharityMSP', charity: charityA });
      expect(me.body.roles).to.deep.equal(['charity']);
      expectProblem(await api('GET', '/api/v1/me'), 401, 'UNAUTHENTICATED');
    });

    it('offers the demo login only on the embedded ledger', async function () {
      const portal = await api('GET', '/api/v1/portal');
      expect(portal.status).to.equal(200);
      expect(portal.body.ledger).to.equal(h.backend);
      const r = await api('POST', '/api/v1/dev/token', { body: { role: 'auditor' } });
      if (h.backend === 'fabric') {
        expect(portal.body.demoLogin).to.equal(false);
        expectProblem(r, 404, 'NOT_FOUND');
      } else {
        expect(portal.body.demoLogin).to.equal(true);
        expect(r.status, r.text).to.equal(200);
        expect(r.body.claims).to.deep.equal({ sub: 'demo-auditor', org: 'audit', roles: ['auditor'] });
      }
    });
  });
}
