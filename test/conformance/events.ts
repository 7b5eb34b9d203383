import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sampleCreditCode } from '../../scripts/sample-ids';
import type { Call } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { openSse, type SseEvent } from '../support/sse';
import { expectProblem, lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

const dataOf = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;

/** The event stream: live, resumable, filtered, and no more visible than the records themselves. */
export function eventScenarios(opts: SuiteOptions): void {
  describe(`event stream [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;
    let auditor: string;

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk-ev', org: 'civil', roles: ['issuer'] });
      auditor = await h.token({ sub: 'auditor-ev', org: 'audit', roles: ['auditor'] });
    });
    after(async () => h?.close());

    const stream = (token: string, query = '', headers: Record<string, string> = {}) =>
      openSse(`${h.baseUrl}/api/v1/events${query}`, { authorization: `Bearer ${token}`, ...headers });

    async function issue(): Promise<{ id: string; credential: string; txId: string }> {
      const r = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body;
    }

    it('needs a login, and refuses unknown types and malformed ids with 400', async function () {
      expectProblem(await api('GET', '/api/v1/events'), 401, 'UNAUTHENTICATED');
      expectProblem(await api('GET', '/api/v1/events?types=certificate.lost', { token: auditor }), 400, 'VALIDATION_FAILED');
      expectProblem(await api('GET', '/api/v1/events', { token: auditor, headers: { 'last-event-id': 'yesterday' } }), 400, 'VALIDATION_FAILED');
    });

    it('delivers certificate.issued within a second, with no personal data', async function () {
      const s = await stream(auditor, '?types=certificate.issued');
      try {
        expect(s.status).to.equal(200);
        const c = await issue();
        const [e] = await s.waitFor((x) => dataOf(x).id === c.id, 1, 1_000);
        expect(e.event).to.equal('certificate.issued');
        expect(e.id).to.match(/^\d+\.\d+\.\d+$/);
        expect(dataOf(e)).to.include({ type: 'certificate.issued', id: c.id, txId: c.txId, certificateType: 'low-income-household' });
        expect(dataOf(e).blockNumber).to.be.a('number');
        expect(dataOf(e).timestamp).to.be.a('string');
        expect(e.data).to.not.include('张三');
        expect(e.data).to.not.include(c.credential.slice(0, 40));
      } finally {
        s.close();
      }
    });

    it('resumes after Last-Event-ID with exactly the changes missed, in order, then live', async function () {
      const s = await stream(auditor, '?types=certificate.issued,certificate.suspended');
      const first = await issue();
      const [seen] = await s.waitFor((x) => dataOf(x).id === first.id);
      s.close();
      const a = await issue();
      const b = await issue();
      expect((await api('POST', `/api/v1/certificates/${a.id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review' } })).status).to.equal(200);
      const again = await stream(auditor, '?types=certificate.issued,certificate.suspended', { 'last-event-id': seen.id as string });
      try {
        const missed = await again.waitFor(() => true, 3);
        expect(missed.map((e) => [e.event, dataOf(e).id])).to.deep.equal([
          ['certificate.issued', a.id],
          ['certificate.issued', b.id],
          ['certificate.suspended', a.id],
        ]);
        const live = await issue();
        await again.waitFor((x) => dataOf(x).id === live.id);
        const ids = again.events.map((e) => e.id);
        expect(new Set(ids).size).to.equal(ids.length);
        expect(ids).to.not.include(seen.id);
      } finally {
        again.close();
      }
    });

    it('gives one event per record of a batch', async function () {
      const s = await stream(auditor, '?types=certificate.issued');
      try {
        const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items: [lowIncomeBody(newIdNumber()), lowIncomeBody(newIdNumber()), lowIncomeBody(newIdNumber())] } });
        expect(r.status).to.equal(201);
        const ids = r.body.items.map((i: { id: string }) => i.id);
        const got = await s.waitFor((x) => ids.includes(dataOf(x).id), 3);
        expect(got.map((e) => dataOf(e).id)).to.deep.equal(ids);
        expect(new Set(got.map((e) => e.id)).size).to.equal(3);
      } finally {
        s.close();
      }
    });

    it("shows a charity only its own charity's donations", async function () {
      const registrar = await h.token({ sub: 'reg-ev', org: 'civil', roles: ['registrar'] });
      const run = randomUUID().slice(0, 8);
      const staff: Record<string, string> = {};
      for (const c of [`eva-${run}`, `evb-${run}`]) {
        const reg = await api('POST', '/api/v1/charities', { token: registrar, body: { id: c, name: '基金会', creditCode: sampleCreditCode(), publicFundraising: false } });
        expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
        staff[c] = await h.token({ sub: `staff-${c}`, org: 'charity', roles: ['charity'], charity: c });
        expect((await api('POST', '/api/v1/projects', { token: staff[c], body: { id: `p-${c}`, title: '助学', targetAmount: 100_000 } })).status).to.equal(201);
      }
      const [a, b] = Object.keys(staff);
      const mine = await stream(staff[a], '?types=donation.recorded,project.created');
      const audit = await stream(auditor, '?types=donation.recorded');
      try {
        const donate = async (c: string) => (await api('POST', '/api/v1/donations', { token: staff[c], body: { projectId: `p-${c}`, amount: 100, donor: { anonymous: true } } })).body.id as string;
        const other = await donate(b);
        const own = await donate(a);
        await audit.waitFor((x) => [own, other].includes(dataOf(x).id as string), 2);
        await mine.waitFor((x) => dataOf(x).id === own);
        expect(mine.events.map((e) => dataOf(e).id)).to.not.include(other);
        expect(mine.events.every((e) => dataOf(e).charityId === a)).to.equal(true);
      } finally {
        mine.close();
        audit.close();
      }
    });
  });
}
