import { expect } from 'chai';
import { charityName } from '../support/names';
import { randomUUID } from 'node:crypto';
import type { Call, Reply } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { expectProblem, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF), to check the export as a spreadsheet would read it. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/**
 * API scenarios for Charities and donations and for Audit, run against any
 * backend the factory starts. Every id is fresh per run; nothing assumes
 * block numbers or timing.
 */
export function donationScenarios(opts: SuiteOptions): void {
  describe(`charities, donations and audit [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let registrar: string;
    let auditor: string;
    let clerk: string;
    const run = randomUUID().slice(0, 8);
    const charityA = `ch-a-${run}`;
    const charityB = `ch-b-${run}`;
    let tokA: string;
    let tokB: string;
    // Business dates in the two previous calendar years: always in the past, always within three years.
    const thisYear = new Date().getUTCFullYear();
    const y1 = thisYear - 1;
    const y2 = thisYear - 2;

    const charityBody = (id: string, publicFundraising = true) => ({ id, name: charityName('慈善基金会', id), creditCode: '53100000500021676K', publicFundraising });

    async function registerCharity(id: string, publicFundraising = true): Promise<string> {
      const r = await api('POST', '/api/v1/charities', { token: registrar, body: charityBody(id, publicFundraising) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return h.token({ sub: `staff-${id}`, org: 'charity', roles: ['charity'], charity: id });
    }

    async function createProject(token: string, extra: Record<string, unknown> = {}): Promise<string> {
      const id = `p-${randomUUID()}`;
      const r = await api('POST', '/api/v1/projects', { token, body: { id, title: '乡村儿童营养餐', targetAmount: 100_000_000, ...extra } });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return id;
    }

    async function donate(token: string, projectId: string, amount: number, extra: Record<string, unknown> = {}) {
      const r = await api('POST', '/api/v1/donations', {
        token,
        body: { projectId, amount, donor: { idNumber: newIdNumber(), name: '李四' }, channel: 'bank-transfer', ...extra },
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body as { id: string; donation: any; txId: string; blockNumber: number };
    }

    function disburse(token: string, projectId: string, amount: number, extra: Record<string, unknown> = {}): Promise<Reply> {
      return api('POST', '/api/v1/disbursements', { token, body: { projectId, amount, category: 'program', payee: '县教育局食堂', ...extra } });
    }

    async function disburseOk(token: string, projectId: string, amount: number, extra: Record<string, unknown> = {}) {
      const r = await disburse(token, projectId, amount, extra);
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body as { id: string; disbursement: any; txId: string; blockNumber: number };
    }

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      registrar = await h.token({ sub: 'registrar1', org: 'civil', roles: ['registrar'] });
      auditor = await h.token({ sub: 'auditor1', org: 'audit', roles: ['auditor'] });
      clerk = await h.token({ sub: 'clerk1', org: 'civil', roles: ['issuer'] });
      tokA = await registerCharity(charityA);
      tokB = await registerCharity(charityB);
    });
    after(async () => h?.close());

    it('describes every Charities and donations and Audit path in the OpenAPI document', async function () {
      const r = await api('GET', '/api/v1/openapi.json');
      expect(r.status).to.equal(200);
      expect(r.body.paths).to.include.keys(
        '/api/v1/charities',
        '/api/v1/charities/{id}',
        '/api/v1/projects',
        '/api/v1/projects/{id}',
        '/api/v1/donations',
        '/api/v1/donations/batch',
        '/api/v1/donations/{id}',
        '/api/v1/disbursements',
        '/api/v1/disbursements/{id}',
        '/api/v1/audit/donations/{id}/trace',
        '/api/v1/audit/disbursements/{id}/trace',
        '/api/v1/audit/charities/{id}/report',
        '/api/v1/audit/charities/{id}/export.csv',
        '/api/v1/audit/history/{entity}/{id}',
        '/api/v1/audit/transactions/{txId}',
        '/api/v1/audit/ledger/verify',
      );
      expect(r.body.components.schemas).to.include.keys('Donation', 'Disbursement', 'AnnualReport', 'Finding');
    });

    describe('charities and projects', function () {
      it('registers a charity for a civil registrar, reads it back and refuses a duplicate', async function () {
        const id = `ch-${randomUUID()}`;
        const r = await api('POST', '/api/v1/charities', { token: registrar, body: charityBody(id, false) });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        expect(r.body).to.include({ id, creditCode: '53100000500021676K', publicFundraising: false });
        expect(r.body.txId).to.be.a('string');
        expect(r.body.blockNumber).to.be.a('number');
        for (const token of [registrar, auditor]) {
          const got = await api('GET', `/api/v1/charities/${id}`, { token });
          expect(got.status).to.equal(200);
          expect(got.body).to.include({ id, name: charityName('慈善基金会', id), publicFundraising: false });
        }
        expectProblem(await api('POST', '/api/v1/charities', { token: registrar, body: charityBody(id) }), 409, 'DUPLICATE_ID');
        expectProblem(await api('GET', `/api/v1/charities/${id}`, { token: tokA }), 403, 'FORBIDDEN');
        expectProblem(await api('GET', `/api/v1/charities/nope-${run}`, { token: auditor }), 404, 'CHARITY_NOT_FOUND');
      });

      it('refuses charity registration to anyone but a civil registrar', async function () {
        for (const token of [tokA, auditor, clerk]) {
          expectProblem(await api('POST', '/api/v1/charities', { token, body: charityBody(`ch-${randomUUID()}`) }), 403, 'FORBIDDEN');
        }
      });

      it('answers bad charity bodies with 400', async function () {
        const bad: unknown[] = [
          {},
          { ...charityBody('x1'), publicFundraising: 'yes' },
          { ...charityBody('x2'), id: 'has spaces' },
          { ...charityBody('x3'), name: '' },
          { ...charityBody('x4'), creditCode: 12 },
          { id: 'x5', name: 'n', creditCode: '1' },
        ];
        for (const body of bad) expectProblem(await api('POST', '/api/v1/charities', { token: registrar, body }), 400, 'VALIDATION_FAILED');
      });

      it('creates a project for the charity in the token, with zero money figures', async function () {
        const id = await createProject(tokA);
        const r = await api('GET', `/api/v1/projects/${id}`, { token: tokA });
        expect(r.status).to.equal(200);
        expect(r.body).to.include({ id, charityId: charityA, title: '乡村儿童营养餐', targetAmount: 100_000_000, raised: 0, disbursed: 0, balance: 0 });
        expect((await api('GET', `/api/v1/projects/${id}`, { token: auditor })).status).to.equal(200);
        expect((await api('GET', `/api/v1/projects/${id}`, { token: registrar })).status).to.equal(200);
        expectProblem(await api('GET', `/api/v1/projects/${id}`, { token: tokB }), 403, 'FORBIDDEN');
        expectProblem(await api('GET', `/api/v1/projects/p-${randomUUID()}`, { token: auditor }), 404, 'PROJECT_NOT_FOUND');
      });

      it('refuses a project to a charity user whose token names no charity, or a charity that is not registered', async function () {
        const nameless = await h.token({ sub: `loose-${run}`, org: 'charity', roles: ['charity'] });
        expectProblem(await api('POST', '/api/v1/projects', { token: nameless, body: { title: 't', targetAmount: 1 } }), 403, 'FORBIDDEN');
        const ghost = await h.token({ sub: `ghost-${run}`, org: 'charity', roles: ['charity'], charity: `ghost-${run}` });
        expectProblem(await api('POST', '/api/v1/projects', { token: ghost, body: { title: 't', targetAmount: 1 } }), 404, 'CHARITY_NOT_FOUND');
      });
    });

    describe('donations and FIFO attribution', function () {
      it('records a donation under a donor pseudonym and raises the project balance', async function () {
        const projectId = await createProject(tokA);
        const d = await donate(tokA, projectId, 12_345);
        expect(d.id).to.be.a('string');
        expect(d.txId).to.be.a('string');
        expect(d.blockNumber).to.be.a('number');
        expect(d.donation).to.include({ id: d.id, projectId, charityId: charityA, amount: 12_345, remaining: 12_345, anonymous: false, channel: 'bank-transfer' });
        expect(d.donation.donorRef).to.match(/^[0-9a-f]{64}$/);
        const got = await api('GET', `/api/v1/donations/${d.id}`, { token: auditor });
        expect(got.status).to.equal(200);
        expect(got.body).to.include({ id: d.id, remaining: 12_345 });
        const p = await api('GET', `/api/v1/projects/${projectId}`, { token: tokA });
        expect(p.body).to.include({ raised: 12_345, disbursed: 0, balance: 12_345 });
      });

      it('gives the same donor the same pseudonym, and an anonymous donor none', async function () {
        const projectId = await createProject(tokA);
        const idNumber = newIdNumber();
        const a = await donate(tokA, projectId, 100, { donor: { idNumber, name: '王五' } });
        const b = await donate(tokA, projectId, 200, { donor: { idNumber: idNumber.toLowerCase(), name: '王五' } });
        expect(a.donation.donorRef).to.equal(b.donation.donorRef);
        const anon = await donate(tokA, projectId, 300, { donor: { anonymous: true } });
        expect(anon.donation.anonymous).to.equal(true);
        expect(anon.donation).to.not.have.property('donorRef');
      });

      it('splits a disbursement across the oldest donations first and keeps what is left on each', async function () {
        const projectId = await createProject(tokA);
        const d1 = await donate(tokA, projectId, 100);
        const d2 = await donate(tokA, projectId, 200);
        const d3 = await donate(tokA, projectId, 300);
        const first = await disburseOk(tokA, projectId, 250);
        expect(first.disbursement.sources).to.deep.equal([
          { donationId: d1.id, amount: 100 },
          { donationId: d2.id, amount: 150 },
        ]);
        expect(first.disbursement).to.include({ projectId, charityId: charityA, amount: 250, category: 'program' });
        const second = await disburseOk(tokA, projectId, 100, { category: 'management' });
        expect(second.disbursement.sources).to.deep.equal([
          { donationId: d2.id, amount: 50 },
          { donationId: d3.id, amount: 50 },
        ]);
        const remaining = await Promise.all([d1, d2, d3].map((d) => api('GET', `/api/v1/donations/${d.id}`, { token: tokA }).then((r) => r.body.remaining)));
        expect(remaining).to.deep.equal([0, 0, 250]);
        const p = await api('GET', `/api/v1/projects/${projectId}`, { token: tokA });
        expect(p.body).to.include({ raised: 600, disbursed: 350, balance: 250 });
        const got = await api('GET', `/api/v1/disbursements/${second.id}`, { token: auditor });
        expect(got.status).to.equal(200);
        expect(got.body.sources).to.deep.equal(second.disbursement.sources);
      });

      it('refuses a disbursement larger than the project balance with 422 INSUFFICIENT_FUNDS and changes nothing', async function () {
        const projectId = await createProject(tokA);
        const d = await donate(tokA, projectId, 500);
        expectProblem(await disburse(tokA, projectId, 501), 422, 'INSUFFICIENT_FUNDS');
        const p = await api('GET', `/api/v1/projects/${projectId}`, { token: tokA });
        expect(p.body).to.include({ raised: 500, disbursed: 0, balance: 500 });
        expect((await api('GET', `/api/v1/donations/${d.id}`, { token: tokA })).body.remaining).to.equal(500);
        await disburseOk(tokA, projectId, 500);
        expectProblem(await disburse(tokA, projectId, 1), 422, 'INSUFFICIENT_FUNDS');
      });

      it('lets exactly as many of 20 concurrent disbursements succeed as the balance covers; the rest get 422', async function () {
        const projectId = await createProject(tokA);
        for (let i = 0; i < 4; i++) await donate(tokA, projectId, 250);
        const replies = await Promise.all(Array.from({ length: 20 }, () => disburse(tokA, projectId, 75)));
        const statuses = replies.map((r) => r.status);
        for (const r of replies) {
          if (r.status !== 201) expectProblem(r, 422, 'INSUFFICIENT_FUNDS');
        }
        expect(statuses.filter((s) => s === 201)).to.have.length(13);
        expect(statuses.filter((s) => s === 422)).to.have.length(7);
        for (const r of replies.filter((x) => x.status === 201)) {
          expect(r.body.disbursement.sources.reduce((sum: number, s: any) => sum + s.amount, 0)).to.equal(75);
        }
        const p = await api('GET', `/api/v1/projects/${projectId}`, { token: tokA });
        expect(p.body).to.include({ raised: 1000, disbursed: 975, balance: 25 });
      });

      it('records a batch of donations in one transaction, all or nothing', async function () {
        const projectId = await createProject(tokA);
        const items = [1, 2, 3].map((n) => ({ id: `bd-${randomUUID()}`, projectId, amount: n * 1000, donor: { idNumber: newIdNumber(), name: '赵六' } }));
        const r = await api('POST', '/api/v1/donations/batch', { token: tokA, body: { items } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        expect(r.body.items.map((i: any) => i.id)).to.deep.equal(items.map((i) => i.id));
        expect(r.body.txId).to.be.a('string');
        expect(r.body.items.map((i: any) => i.donation.seq)).to.deep.equal([1, 2, 3]);
        const dup = { id: `bd-${randomUUID()}`, projectId, amount: 5, donor: { anonymous: true } };
        expectProblem(await api('POST', '/api/v1/donations/batch', { token: tokA, body: { items: [dup, dup] } }), 409, 'DUPLICATE_ID');
        expectProblem(await api('GET', `/api/v1/donations/${dup.id}`, { token: tokA }), 404, 'DONATION_NOT_FOUND');
        expectProblem(await api('POST', '/api/v1/donations/batch', { token: tokA, body: { items: [] } }), 400, 'VALIDATION_FAILED');
        const p = await api('GET', `/api/v1/projects/${projectId}`, { token: tokA });
        expect(p.body).to.include({ raised: 6000, balance: 6000 });
      });

      it('refuses a duplicate donation or disbursement id with 409 and an unknown project with 404', async function () {
        const projectId = await createProject(tokA);
        const d = await donate(tokA, projectId, 100);
        const again = await api('POST', '/api/v1/donations', { token: tokA, body: { id: d.id, projectId, amount: 1, donor: { anonymous: true } } });
        expectProblem(again, 409, 'DUPLICATE_ID');
        const x = await disburseOk(tokA, projectId, 10);
        expectProblem(await disburse(tokA, projectId, 10, { id: x.id }), 409, 'DUPLICATE_ID');
        expectProblem(await api('POST', '/api/v1/donations', { token: tokA, body: { projectId: `p-${randomUUID()}`, amount: 1, donor: { anonymous: true } } }), 404, 'PROJECT_NOT_FOUND');
        expectProblem(await api('GET', `/api/v1/donations/d-${randomUUID()}`, { token: auditor }), 404, 'DONATION_NOT_FOUND');
        expectProblem(await api('GET', `/api/v1/disbursements/x-${randomUUID()}`, { token: auditor }), 404, 'DISBURSEMENT_NOT_FOUND');
      });
    });

    describe('who may do what', function () {
      let projectA: string;
      let donationA: string;
      let disbursementA: string;

      before(async function () {
        projectA = await createProject(tokA);
        donationA = (await donate(tokA, projectA, 1000)).id;
        disbursementA = (await disburseOk(tokA, projectA, 100)).id;
      });

      /** 403, saying the record is not the caller's, never whose it is. */
      function expectNotTheirs(r: Reply, what: string): void {
        expectProblem(r, 403, 'FORBIDDEN');
        expect(JSON.stringify(r.body), `${what} names the owning charity`).to.not.include(charityA);
      }

      it("refuses another charity's token for writes to this charity's project with 403", async function () {
        expectNotTheirs(await api('POST', '/api/v1/donations', { token: tokB, body: { projectId: projectA, amount: 1, donor: { anonymous: true } } }), 'donation');
        expectNotTheirs(await disburse(tokB, projectA, 1), 'disbursement');
        const batch = { items: [{ projectId: projectA, amount: 1, donor: { anonymous: true } }] };
        expectNotTheirs(await api('POST', '/api/v1/donations/batch', { token: tokB, body: batch }), 'batch');
        const p = await api('GET', `/api/v1/projects/${projectA}`, { token: tokA });
        expect(p.body).to.include({ raised: 1000, disbursed: 100 });
      });

      it("refuses another charity's token for reads and audits of this charity with 403", async function () {
        const paths = [
          `/api/v1/donations/${donationA}`,
          `/api/v1/disbursements/${disbursementA}`,
          `/api/v1/audit/donations/${donationA}/trace`,
          `/api/v1/audit/disbursements/${disbursementA}/trace`,
          `/api/v1/audit/charities/${charityA}/report?year=${thisYear}`,
          `/api/v1/audit/charities/${charityA}/export.csv?year=${thisYear}`,
          `/api/v1/audit/history/project/${projectA}`,
          `/api/v1/audit/history/donation/${donationA}`,
          `/api/v1/audit/history/charity/${charityA}`,
          `/api/v1/projects/${projectA}`,
          `/api/v1/charities/${charityA}`,
        ];
        for (const path of paths) expectNotTheirs(await api('GET', path, { token: tokB }), path);
      });

      it('lets a charity audit its own records', async function () {
        expect((await api('GET', `/api/v1/audit/donations/${donationA}/trace`, { token: tokA })).status).to.equal(200);
        expect((await api('GET', `/api/v1/audit/disbursements/${disbursementA}/trace`, { token: tokA })).status).to.equal(200);
        expect((await api('GET', `/api/v1/audit/charities/${charityA}/report?year=${thisYear}`, { token: tokA })).status).to.equal(200);
        expect((await api('GET', `/api/v1/audit/history/project/${projectA}`, { token: tokA })).status).to.equal(200);
      });

      it('refuses every write to auditors with 403', async function () {
        expectProblem(await api('POST', '/api/v1/charities', { token: auditor, body: charityBody(`ch-${randomUUID()}`) }), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/projects', { token: auditor, body: { title: 't', targetAmount: 1 } }), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/donations', { token: auditor, body: { projectId: projectA, amount: 1, donor: { anonymous: true } } }), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/donations/batch', { token: auditor, body: { items: [{ projectId: projectA, amount: 1, donor: { anonymous: true } }] } }), 403, 'FORBIDDEN');
        expectProblem(await disburse(auditor, projectA, 1), 403, 'FORBIDDEN');
        // An auditor token that also claims the charity role and a charity is still an audit-org account.
        const sneaky = await h.token({ sub: `aud-${run}`, org: 'audit', roles: ['auditor', 'charity'], charity: charityA });
        expectProblem(await disburse(sneaky, projectA, 1), 403, 'FORBIDDEN');
      });

      it('keeps transaction lookup and ledger verification to auditors', async function () {
        const d = await donate(tokA, projectA, 1);
        expectProblem(await api('GET', `/api/v1/audit/transactions/${d.txId}`, { token: tokA }), 403, 'FORBIDDEN');
        expectProblem(await api('GET', '/api/v1/audit/ledger/verify', { token: tokA }), 403, 'FORBIDDEN');
        expectProblem(await api('GET', '/api/v1/audit/ledger/verify', { token: registrar }), 403, 'FORBIDDEN');
        expectProblem(await api('GET', '/api/v1/audit/ledger/verify'), 401, 'UNAUTHENTICATED');
      });
    });

    describe('input validation', function () {
      let projectId: string;
      before(async function () {
        projectId = await createProject(tokA);
        await donate(tokA, projectId, 1_000_000);
      });

      const badAmounts: unknown[] = [0, -1, -100, 1.5, 0.01, '100', '1e3', 1_000_000_000_001, 1e300, null, true, [100], { fen: 100 }];

      it('answers invalid donation amounts (0, negative, fractional, strings, > 10^12) with 400', async function () {
        for (const amount of badAmounts) {
          const r = await api('POST', '/api/v1/donations', { token: tokA, body: { projectId, amount, donor: { anonymous: true } } });
          expectProblem(r, 400, 'VALIDATION_FAILED');
        }
        const noAmount = await api('POST', '/api/v1/donations', { token: tokA, body: { projectId, donor: { anonymous: true } } });
        expectProblem(noAmount, 400, 'VALIDATION_FAILED');
        const max = await api('POST', '/api/v1/donations', { token: tokA, body: { projectId, amount: 1_000_000_000_000, donor: { anonymous: true } } });
        expect(max.status, JSON.stringify(max.body)).to.equal(201);
      });

      it('answers invalid disbursement and target amounts with 400', async function () {
        for (const amount of badAmounts) {
          expectProblem(await disburse(tokA, projectId, amount as number), 400, 'VALIDATION_FAILED');
          expectProblem(await api('POST', '/api/v1/projects', { token: tokA, body: { title: 't', targetAmount: amount } }), 400, 'VALIDATION_FAILED');
        }
        const batch = { items: [{ projectId, amount: 10, donor: { anonymous: true } }, { projectId, amount: 0, donor: { anonymous: true } }] };
        expectProblem(await api('POST', '/api/v1/donations/batch', { token: tokA, body: batch }), 400, 'VALIDATION_FAILED');
      });

      it('answers bad donors, categories, dates and bodies with 400', async function () {
        const base = { projectId, amount: 10 };
        const bodies: unknown[] = [
          [],
          'text',
          { ...base },
          { ...base, donor: 'someone' },
          { ...base, donor: { name: '无名氏' } },
          { ...base, donor: { idNumber: 12345 } },
          { ...base, donor: { idNumber: newIdNumber(), anonymous: 'no' } },
          { ...base, donor: { anonymous: true }, channel: 'has spaces' },
          { ...base, donor: { anonymous: true }, receivedAt: 'last tuesday' },
          { ...base, donor: { anonymous: true }, receivedAt: `${thisYear + 1}-06-01` },
          { ...base, donor: { anonymous: true }, receivedAt: `${thisYear - 5}-06-01` },
          { ...base, donor: { anonymous: true }, id: 'a/b' },
        ];
        for (const body of bodies) expectProblem(await api('POST', '/api/v1/donations', { token: tokA, body }), 400, 'VALIDATION_FAILED');
        const disbursements: Array<Record<string, unknown>> = [
          { category: 'party' },
          { category: undefined },
          { beneficiary: { name: '受助人' } },
          { beneficiary: 'x' },
          { evidenceDigest: 'abc' },
          { paidAt: `${thisYear + 1}-01-01` },
          { payee: '' },
        ];
        for (const extra of disbursements) expectProblem(await disburse(tokA, projectId, 10, extra), 400, 'VALIDATION_FAILED');
        expectProblem(await api('POST', '/api/v1/donations', { token: tokA, raw: '{"projectId":' }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('GET', `/api/v1/audit/charities/${charityA}/report?year=20x5`, { token: auditor }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('GET', `/api/v1/audit/charities/${charityA}/report`, { token: auditor }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('GET', `/api/v1/audit/history/person/${projectId}`, { token: auditor }), 400, 'VALIDATION_FAILED');
      });
    });

    describe('annual compliance report', function () {
      interface Fixture {
        id: string;
        token: string;
      }

      /** A fresh charity with income in year y2 and the given spending in year y1. */
      async function fixture(publicFundraising: boolean, income2: number, income1: number, spend: Record<string, number>): Promise<Fixture> {
        const id = `ch-r-${randomUUID()}`;
        const token = await registerCharity(id, publicFundraising);
        const projectId = await createProject(token);
        await donate(token, projectId, income2, { receivedAt: `${y2}-03-15` });
        if (income1 > 0) await donate(token, projectId, income1, { receivedAt: `${y1}-02-01` });
        for (const [category, amount] of Object.entries(spend)) {
          if (amount > 0) await disburseOk(token, projectId, amount, { category, paidAt: `${y1}-09-30T10:00:00+08:00` });
        }
        return { id, token };
      }

      async function report(charityId: string, year: number, token = auditor) {
        const r = await api('GET', `/api/v1/audit/charities/${charityId}/report?year=${year}`, { token });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        return r.body;
      }

      it('reports income, spending and ratios, with art. 60/61 findings carrying their figures', async function () {
        const f = await fixture(true, 1_000_000, 200_000, { program: 600_000, management: 100_000 });
        const r = await report(f.id, y1);
        expect(r).to.deep.include({
          charityId: f.id,
          year: y1,
          income: 200_000,
          previousYearIncome: 1_000_000,
          expenditure: { program: 600_000, management: 100_000, fundraising: 0, total: 700_000 },
        });
        expect(r.ratios.programToPreviousIncome).to.be.closeTo(0.6, 1e-4);
        expect(r.ratios.managementToTotal).to.be.closeTo(100_000 / 700_000, 1e-4);
        expect(r.standings).to.deep.equal({ program: 'fails', management: 'fails' });
        const codes = r.findings.map((x: any) => x.code);
        expect(codes).to.have.members(['PROGRAM_SPENDING_BELOW_70_PERCENT', 'MANAGEMENT_COSTS_ABOVE_10_PERCENT']);
        const program = r.findings.find((x: any) => x.code === 'PROGRAM_SPENDING_BELOW_70_PERCENT');
        expect(program.severity).to.be.a('string');
        expect(program.message).to.be.a('string').and.match(/70%/);
        expect(program.figures).to.include({ program: 600_000, previousYearIncome: 1_000_000, required: 700_000 });
        const management = r.findings.find((x: any) => x.code === 'MANAGEMENT_COSTS_ABOVE_10_PERCENT');
        expect(management.figures).to.include({ management: 100_000, total: 700_000, allowed: 70_000 });
        expect(management.message).to.match(/10%/);

        const earlier = await report(f.id, y2, f.token);
        expect(earlier).to.deep.include({ income: 1_000_000, previousYearIncome: 0, expenditure: { program: 0, management: 0, fundraising: 0, total: 0 } });
        expect(earlier.ratios).to.deep.equal({ programToPreviousIncome: null, managementToTotal: null });
        expect(earlier.standings).to.deep.equal({ program: 'none', management: 'none' });
        expect(earlier.findings).to.deep.equal([]);
      });

      it('finds nothing at exactly 70% program spending and exactly 10% management costs', async function () {
        const f = await fixture(true, 1_000_000, 0, { program: 700_000, management: 90_000, fundraising: 110_000 });
        const r = await report(f.id, y1);
        expect(r.expenditure).to.deep.equal({ program: 700_000, management: 90_000, fundraising: 110_000, total: 900_000 });
        expect(r.ratios).to.deep.equal({ programToPreviousIncome: 0.7, managementToTotal: 0.1 });
        expect(r.standings).to.deep.equal({ program: 'meets', management: 'meets' });
        expect(r.findings).to.deep.equal([]);
      });

      it('finds nothing for a charity without public fundraising, but still computes its ratios', async function () {
        const f = await fixture(false, 1_000_000, 0, { program: 100_000, management: 100_000 });
        const r = await report(f.id, y1);
        expect(r.ratios.programToPreviousIncome).to.be.closeTo(0.1, 1e-4);
        expect(r.ratios.managementToTotal).to.be.closeTo(0.5, 1e-4);
        // Standings are the ratios against the thresholds whatever the charity; findings only bind public fundraisers.
        expect(r.standings).to.deep.equal({ program: 'fails', management: 'fails' });
        expect(r.findings).to.deep.equal([]);
      });

      it('answers a report for an unknown charity with 404', async function () {
        expectProblem(await api('GET', `/api/v1/audit/charities/nope-${randomUUID()}/report?year=${y1}`, { token: auditor }), 404, 'CHARITY_NOT_FOUND');
      });
    });

    describe('traces, history, export and ledger audit', function () {
      let projectId: string;
      let d1: Awaited<ReturnType<typeof donate>>;
      let d2: Awaited<ReturnType<typeof donate>>;
      let x1: Awaited<ReturnType<typeof disburseOk>>;
      let x2: Awaited<ReturnType<typeof disburseOk>>;
      const secretName = `隐私测试${randomUUID().slice(0, 6)}`;
      const secretId = newIdNumber();
      const beneficiaryName = `受助人${randomUUID().slice(0, 6)}`;
      const beneficiaryId = newIdNumber();

      before(async function () {
        projectId = await createProject(tokA);
        d1 = await donate(tokA, projectId, 300, { donor: { idNumber: secretId, name: secretName } });
        d2 = await donate(tokA, projectId, 500, { donor: { anonymous: true, name: secretName } });
        x1 = await disburseOk(tokA, projectId, 200, { beneficiary: { idNumber: beneficiaryId, name: beneficiaryName }, payee: undefined });
        x2 = await disburseOk(tokA, projectId, 400, {
          category: 'fundraising',
          payee: '=HYPERLINK("http://evil.example","点击"), "Ltd"',
          memo: '+cmd|/c calc',
          evidenceDigest: 'AB'.repeat(32),
        });
      });

      it('traces a donation forward to every disbursement and beneficiary it paid for', async function () {
        const r = await api('GET', `/api/v1/audit/donations/${d1.id}/trace`, { token: auditor });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect(r.body.donation).to.include({ id: d1.id, amount: 300, remaining: 0 });
        expect(r.body.remaining).to.equal(0);
        expect(r.body.allocations).to.have.length(2);
        const [a, b] = r.body.allocations;
        expect(a).to.include({ disbursementId: x1.id, amount: 200, category: 'program', txId: x1.txId, blockNumber: x1.blockNumber });
        expect(a.beneficiaryRef).to.match(/^[0-9a-f]{64}$/);
        expect(a.timestamp).to.be.a('string');
        expect(b).to.include({ disbursementId: x2.id, amount: 100, category: 'fundraising', txId: x2.txId, blockNumber: x2.blockNumber });
        expect(b.payee).to.equal(x2.disbursement.payee);
        const second = await api('GET', `/api/v1/audit/donations/${d2.id}/trace`, { token: auditor });
        expect(second.body.remaining).to.equal(200);
        expect(second.body.allocations.map((x: any) => [x.disbursementId, x.amount])).to.deep.equal([[x2.id, 300]]);
      });

      it('traces a disbursement back to its donations and donor pseudonyms', async function () {
        const r = await api('GET', `/api/v1/audit/disbursements/${x2.id}/trace`, { token: auditor });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect(r.body.disbursement).to.include({ id: x2.id, amount: 400, category: 'fundraising', evidenceDigest: 'ab'.repeat(32) });
        expect(r.body.sources).to.have.length(2);
        expect(r.body.sources[0]).to.include({ donationId: d1.id, amount: 100, donorRef: d1.donation.donorRef, txId: d1.txId, blockNumber: d1.blockNumber });
        expect(r.body.sources[1]).to.include({ donationId: d2.id, amount: 300, txId: d2.txId, blockNumber: d2.blockNumber });
        expect(r.body.sources[1]).to.not.have.property('donorRef');
        expectProblem(await api('GET', `/api/v1/audit/disbursements/x-${randomUUID()}/trace`, { token: auditor }), 404, 'DISBURSEMENT_NOT_FOUND');
        expectProblem(await api('GET', `/api/v1/audit/donations/d-${randomUUID()}/trace`, { token: auditor }), 404, 'DONATION_NOT_FOUND');
      });

      it('looks a transaction up: block, creator, contract and function, validation code, keys written', async function () {
        const r = await api('GET', `/api/v1/audit/transactions/${d1.txId}`, { token: auditor });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect(r.body).to.include({ txId: d1.txId, blockNumber: d1.blockNumber, contract: 'donations', function: 'RecordDonation', validationCode: 'VALID' });
        expect(r.body.creator.mspId).to.equal('CharityMSP');
        expect(r.body.creator.id).to.be.a('string');
        expect(r.body.timestamp).to.be.a('string');
        expect(r.body.writes).to.include.members([`donation/${d1.id}`, `project/${projectId}`]);
        for (const k of r.body.writes) expect(k).to.not.include('\u0000');
        const x = await api('GET', `/api/v1/audit/transactions/${x1.txId}`, { token: auditor });
        expect(x.body).to.include({ contract: 'donations', function: 'RecordDisbursement', blockNumber: x1.blockNumber });
        expect(x.body.writes).to.include.members([`disbursement/${x1.id}`, `donation/${d1.id}`]);
        const unknown = 'f'.repeat(64);
        expectProblem(await api('GET', `/api/v1/audit/transactions/${unknown}`, { token: auditor }), 404, 'TX_NOT_FOUND');
      });

      it('verifies the whole ledger by recomputing the block hash chain', async function () {
        const r = await api('GET', '/api/v1/audit/ledger/verify', { token: auditor });
        expect(r.status).to.equal(200);
        expect(r.body.ok).to.equal(true);
        expect(r.body.height).to.be.a('number').greaterThan(0);
        expect(r.body.checkedBlocks).to.be.a('number').greaterThan(0);
        expect(r.body.checkedBlocks).to.be.at.most(r.body.height);
        expect(r.body).to.not.have.property('firstBadBlock');
        // On Fabric every block after the genesis block must also carry a valid orderer signature, and another
        // org's peer must hold the same chain head.
        expect(r.body.checks).to.include.members(['data-hash', 'hash-chain']);
        if (h.backend === 'fabric') {
          expect(r.body.checks).to.include.members(['orderer-signatures']);
          expect(r.body.checks.some((c: string) => c.startsWith('second-peer:'))).to.equal(true);
        }
      });

      it("shows an entity's history oldest first, a page at a time, with blocks", async function () {
        const r = await api('GET', `/api/v1/audit/history/donation/${d1.id}`, { token: auditor });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect(r.body).to.include({ entity: 'donation', id: d1.id });
        expect(r.body.items.map((v: any) => v.record.remaining)).to.deep.equal([300, 100, 0]);
        expect(r.body.items.map((v: any) => v.txId)).to.deep.equal([d1.txId, x1.txId, x2.txId]);
        expect(r.body.items.map((v: any) => v.blockNumber)).to.deep.equal([d1.blockNumber, x1.blockNumber, x2.blockNumber]);
        expect(r.body.items[0].timestamp).to.equal(d1.donation.recordedAt);
        // Each version is read from the version index, which numbers them from 1.
        expect(r.body.items.map((v: any) => v.record.version)).to.deep.equal([1, 2, 3]);
        const balances: number[] = [];
        const versions: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const q = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
          const page = await api('GET', `/api/v1/audit/history/project/${projectId}?limit=2${q}`, { token: auditor });
          expect(page.status, JSON.stringify(page.body)).to.equal(200);
          expect(page.body.items.length).to.be.at.most(2);
          balances.push(...page.body.items.map((v: any) => v.record.balance));
          versions.push(...page.body.items.map((v: any) => v.record.version));
          cursor = page.body.nextCursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        expect(balances).to.deep.equal([0, 300, 800, 600, 200]);
        expect(pages).to.equal(3);
        expect(versions).to.deep.equal([1, 2, 3, 4, 5]);
        const current = await api('GET', `/api/v1/projects/${projectId}`, { token: auditor });
        expect(current.body.version).to.equal(5);
        const past = await api('GET', `/api/v1/audit/history/project/${projectId}?cursor=5`, { token: auditor });
        expect(past.body.items).to.deep.equal([]);
        expect(past.body).to.not.have.property('nextCursor');
        const c = await api('GET', `/api/v1/audit/history/charity/${charityA}`, { token: auditor });
        expect(c.body.items).to.have.length(1);
        expect(c.body.items[0].record).to.include({ id: charityA, version: 1 });
        expect(c.body.items[0].txId).to.equal(c.body.items[0].record.txId);
        expect(c.body.items[0].timestamp).to.equal(c.body.items[0].record.registeredAt);
        expect(c.body.items[0].blockNumber).to.be.a('number');
        const disb = await api('GET', `/api/v1/audit/history/disbursement/${x1.id}`, { token: tokA });
        expect(disb.body.items).to.have.length(1);
        expectProblem(await api('GET', `/api/v1/audit/history/donation/d-${randomUUID()}`, { token: auditor }), 404, 'DONATION_NOT_FOUND');
      });

      it("exports a charity's year as CSV with proper quoting and no live formulas", async function () {
        const year = d1.donation.year;
        const r = await api('GET', `/api/v1/audit/charities/${charityA}/export.csv?year=${year}`, { token: auditor });
        expect(r.status).to.equal(200);
        expect(r.headers.get('content-type')).to.match(/^text\/csv/);
        expect(r.headers.get('content-disposition')).to.include(`${charityA}-${year}.csv`);
        const rows = parseCsv(r.text);
        const header = rows[0];
        expect(header).to.include.members(['record', 'id', 'amount_fen', 'donor_ref', 'beneficiary_ref', 'payee', 'tx_id', 'block_number']);
        const col = (name: string) => header.indexOf(name);
        const byId = new Map(rows.slice(1).map((row) => [row[col('id')], row]));
        expect(rows.slice(1).every((row) => row.length === header.length)).to.equal(true);
        expect(byId.get(d1.id)?.[col('record')]).to.equal('donation');
        expect(byId.get(d1.id)?.[col('amount_fen')]).to.equal('300');
        expect(byId.get(d1.id)?.[col('donor_ref')]).to.equal(d1.donation.donorRef);
        expect(byId.get(d1.id)?.[col('block_number')]).to.equal(String(d1.blockNumber));
        const x = byId.get(x2.id);
        expect(x?.[col('record')]).to.equal('disbursement');
        expect(x?.[col('payee')]).to.equal(`'${x2.disbursement.payee}`);
        expect(x?.[col('memo')]).to.equal("'+cmd|/c calc");
        expect(x?.[col('sources')]).to.equal(`${d1.id}:100;${d2.id}:300`);
        // No cell of the raw text starts a formula, quoted or not.
        for (const row of rows) for (const cell of row) expect(cell).to.not.match(/^[=+\-@]/);
        expect(r.text).to.include('"\'=HYPERLINK(""http://evil.example"",""点击""), ""Ltd"""');
        expectProblem(await api('GET', `/api/v1/audit/charities/nope-${randomUUID()}/export.csv?year=${thisYear}`, { token: auditor }), 404, 'CHARITY_NOT_FOUND');
      });

      it('never answers an audit or record request with a name or ID number', async function () {
        const paths = [
          `/api/v1/donations/${d1.id}`,
          `/api/v1/donations/${d2.id}`,
          `/api/v1/disbursements/${x1.id}`,
          `/api/v1/audit/donations/${d1.id}/trace`,
          `/api/v1/audit/donations/${d2.id}/trace`,
          `/api/v1/audit/disbursements/${x1.id}/trace`,
          `/api/v1/audit/disbursements/${x2.id}/trace`,
          `/api/v1/audit/charities/${charityA}/report?year=${d1.donation.year}`,
          `/api/v1/audit/charities/${charityA}/export.csv?year=${d1.donation.year}`,
          `/api/v1/audit/history/donation/${d1.id}`,
          `/api/v1/audit/history/disbursement/${x1.id}`,
          `/api/v1/audit/history/project/${projectId}`,
          `/api/v1/audit/transactions/${d1.txId}`,
          `/api/v1/audit/transactions/${d2.txId}`,
          `/api/v1/audit/transactions/${x1.txId}`,
        ];
        for (const path of paths) {
          const r = await api('GET', path, { token: auditor });
          expect(r.status, path).to.equal(200);
          for (const secret of [secretName, secretId, beneficiaryName, beneficiaryId]) expect(r.text, `${path} leaks ${secret}`).to.not.include(secret);
        }
      });
    });
  });
}
