import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { charityWithProjects } from '../support/charities';
import type { Call, Reply } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { expectProblem, lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

/** The items of a comparison answer, after checking its shape. */
function itemsOf(r: Reply): Array<{ id: string; state: string; differs?: string[]; unverified?: string[] }> {
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  expect(r.body.items).to.be.an('array');
  return r.body.items;
}

/**
 * Comparing a batch with what the ledger holds under its ids
 * (`POST /api/v1/certificates/compare`, `POST /api/v1/donations/compare`),
 * which an importer asks before it counts a row as already written: only a
 * record that says what the row says is "same".
 */
export function compareScenarios(opts: SuiteOptions): void {
  describe(`comparing batches with the ledger [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;
    let registrar: string;
    let verifier: string;
    const run = randomUUID().slice(0, 8);

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk-cmp', org: 'civil', roles: ['issuer'] });
      registrar = await h.token({ sub: 'registrar-cmp', org: 'civil', roles: ['registrar'] });
      verifier = await h.token({ sub: 'desk-cmp', org: 'audit', roles: ['verifier'] });
    });
    after(async () => h?.close());

    describe('certificates', function () {
      const compare = (items: unknown[], token = issuer) => api('POST', '/api/v1/certificates/compare', { token, body: { items } });
      const holder = newIdNumber();
      const item = (id: string, extra: Record<string, unknown> = {}) => ({ id, ...lowIncomeBody(holder), validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2027-01-01T00:00:00+08:00', ...extra });
      let ids: string[];

      before(async function () {
        ids = [1, 2].map((n) => `cmp-${run}-${n}`);
        const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items: ids.map((id) => item(id)) } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        expect(r.body.items[0].record.claimsRef, 'the record keeps a claims ref').to.match(/^[0-9a-f]{64}$/);
        expect(r.body.items[0].record.claimsRef).to.not.equal(r.body.items[1].record.claimsRef, 'equal claims of two certificates get unrelated refs');
        const stored = await api('GET', `/api/v1/certificates/${ids[0]}`, { token: verifier });
        expect(stored.body.claimsRef).to.equal(r.body.items[0].record.claimsRef);
      });

      it('answers absent for an id with no record, and same for the items that were issued, in item order', async function () {
        const items = itemsOf(await compare([item(`cmp-${run}-none`), item(ids[1]), item(ids[0])]));
        expect(items).to.deep.equal([
          { id: `cmp-${run}-none`, state: 'absent' },
          { id: ids[1], state: 'same' },
          { id: ids[0], state: 'same' },
        ]);
        // Dates are compared as instants, and only when the item names them.
        const { validFrom: _f, validUntil: _u, ...undated } = item(ids[0]);
        expect(itemsOf(await compare([{ ...undated, validFrom: '2025-12-31T16:00:00Z' }]))[0].state).to.equal('same');
      });

      it('names each field that differs, and never its value', async function () {
        const other = newIdNumber();
        const r = await compare([item(ids[0], { holder: { idNumber: other, name: '张三' } })]);
        expect(itemsOf(r)).to.deep.equal([{ id: ids[0], state: 'different', differs: ['holder'] }]);
        expect(r.text).to.not.include(other);
        expect(r.text).to.not.include(holder);
        expect(itemsOf(await compare([item(ids[0], { claims: { householdSize: 4, monthlyAllowanceFen: 98000, region: '北京市东城区' } })]))).to.deep.equal([
          { id: ids[0], state: 'different', differs: ['claims'] },
        ]);
        expect(itemsOf(await compare([item(ids[0], { type: 'disability-subsidy' })]))).to.deep.equal([{ id: ids[0], state: 'different', differs: ['type'] }]);
        expect(itemsOf(await compare([item(ids[0], { validUntil: '2028-01-01T00:00:00+08:00' })]))).to.deep.equal([{ id: ids[0], state: 'different', differs: ['validity'] }]);
        expect(itemsOf(await compare([item(ids[1], { holder: { idNumber: newIdNumber(), name: 'x' }, type: 'disability-subsidy' })]))[0].differs).to.deep.equal(['holder', 'type']);
      });

      it("says of another org's record only that its issuer differs", async function () {
        const type = `cmp-charity-${run}`;
        const reg = await api('POST', '/api/v1/certificate-types', { token: registrar, body: { type, title: 'Volunteer service record', issuerMsps: ['CharityMSP'], schema: { type: 'object' } } });
        expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
        const charityIssuer = await h.token({ sub: 'vol-desk-cmp', org: 'charity', roles: ['issuer'], charity: 'c1' });
        const person = newIdNumber();
        const body = { id: `cmp-${run}-vol`, type, holder: { idNumber: person, name: '志愿者' }, claims: {} };
        const issued = await api('POST', '/api/v1/certificates', { token: charityIssuer, body });
        expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
        // Even the very request that issued it: the civil clerk learns nothing about the holder of the charity's record.
        expect(itemsOf(await compare([body]))).to.deep.equal([{ id: body.id, state: 'different', differs: ['issuer'] }]);
        expect(itemsOf(await compare([{ ...body, holder: { idNumber: newIdNumber() } }]))).to.deep.equal([{ id: body.id, state: 'different', differs: ['issuer'] }]);
        expect(itemsOf(await compare([body], charityIssuer))).to.deep.equal([{ id: body.id, state: 'same' }]);
      });

      it('refuses bad bodies with 400, and callers without the issuer role with 403', async function () {
        const good = item(ids[0]);
        for (const body of [
          undefined,
          [],
          {},
          { items: [] },
          { items: 'x' },
          { items: Array.from({ length: 1001 }, (_, i) => ({ ...good, id: `x-${i}` })) },
          { items: [null] },
          { items: [{ ...good, id: undefined }] },
          { items: [{ ...good, id: 'no spaces allowed' }] },
          { items: [good, good] },
          { items: [{ ...good, type: undefined }] },
          { items: [{ ...good, holder: { idNumber: '123' } }] },
          { items: [{ ...good, holder: 'x' }] },
          { items: [{ ...good, claims: [1] }] },
          { items: [{ ...good, validFrom: 'yesterday' }] },
          { items: [{ ...good, validUntil: '2025-01-01T00:00:00Z' }] },
        ]) {
          expectProblem(await api('POST', '/api/v1/certificates/compare', { token: issuer, body }), 400, 'VALIDATION_FAILED');
        }
        expectProblem(await api('POST', '/api/v1/certificates/compare', { token: issuer, raw: '{"items":[' }), 400);
        expectProblem(await compare([good], verifier), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/certificates/compare', { body: { items: [good] } }), 401);
      });

      it('is described in the OpenAPI document, with claimsRef on the record', async function () {
        const doc = (await api('GET', '/api/v1/openapi.json')).body;
        expect(doc.paths).to.include.keys('/api/v1/certificates/compare', '/api/v1/donations/compare');
        expect(doc.components.schemas.CertificateRecord.properties).to.have.property('claimsRef');
        expect(doc.components.schemas.PublicCertificate.properties).to.not.have.property('claimsRef');
      });
    });

    describe('donations', function () {
      let tokA: string;
      let tokB: string;
      let projectA: string;
      let projectA2: string;
      let projectB: string;
      const donor = newIdNumber();
      const receivedAt = `${new Date().getUTCFullYear() - 1}-03-01T10:00:00+08:00`;
      const compare = (items: unknown[], token = tokA) => api('POST', '/api/v1/donations/compare', { token, body: { items } });

      const charity = (name: string) =>
        charityWithProjects(api, registrar, (c) => h.token(c), { id: `cmp-${name}-${run}`, name: `比对基金会 ${name}`, projects: 2 });

      const gift = (id: string, extra: Record<string, unknown> = {}) => ({ id, projectId: projectA, amount: 5000, donor: { idNumber: donor }, channel: 'bank-transfer', receivedAt, ...extra });

      before(async function () {
        const a = await charity('a');
        const b = await charity('b');
        [tokA, tokB, projectA, projectA2, projectB] = [a.token, b.token, a.projects[0], a.projects[1], b.projects[0]];
        const r = await api('POST', '/api/v1/donations/batch', {
          token: tokA,
          body: { items: [gift(`d-${run}-1`), gift(`d-${run}-anon`, { donor: { anonymous: true }, channel: undefined, receivedAt: undefined })] },
        });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        const other = await api('POST', '/api/v1/donations', { token: tokB, body: { ...gift(`d-${run}-b`), projectId: projectB } });
        expect(other.status, JSON.stringify(other.body)).to.equal(201);
      });

      it('answers absent, and same for donations recorded as the items say', async function () {
        expect(itemsOf(await compare([gift(`d-${run}-none`), gift(`d-${run}-1`), gift(`d-${run}-anon`, { donor: { anonymous: true }, channel: undefined, receivedAt: undefined })]))).to.deep.equal([
          { id: `d-${run}-none`, state: 'absent' },
          { id: `d-${run}-1`, state: 'same' },
          { id: `d-${run}-anon`, state: 'same' },
        ]);
        // Channel and business date are compared only when the item names them.
        expect(itemsOf(await compare([gift(`d-${run}-1`, { channel: undefined, receivedAt: undefined })]))[0].state).to.equal('same');
      });

      it('names each field that differs: amount, donor, project, channel, business date', async function () {
        const one = async (extra: Record<string, unknown>) => itemsOf(await compare([gift(`d-${run}-1`, extra)]))[0];
        expect(await one({ amount: 5001 })).to.deep.equal({ id: `d-${run}-1`, state: 'different', differs: ['amount'] });
        expect(await one({ donor: { idNumber: newIdNumber() } })).to.deep.equal({ id: `d-${run}-1`, state: 'different', differs: ['donor'] });
        expect(await one({ donor: { anonymous: true } })).to.deep.equal({ id: `d-${run}-1`, state: 'different', differs: ['donor'] });
        expect(await one({ projectId: projectA2 })).to.deep.equal({ id: `d-${run}-1`, state: 'different', differs: ['projectId'] });
        expect(await one({ channel: 'wechat-pay' })).to.deep.equal({ id: `d-${run}-1`, state: 'different', differs: ['channel'] });
        expect(await one({ receivedAt: `${new Date().getUTCFullYear() - 1}-03-02` })).to.deep.equal({ id: `d-${run}-1`, state: 'different', differs: ['receivedAt'] });
        expect((await one({ amount: 1, donor: { anonymous: true } })).differs).to.deep.equal(['amount', 'donor']);
        const anon = itemsOf(await compare([gift(`d-${run}-anon`, { channel: undefined, receivedAt: undefined })]))[0];
        expect(anon).to.deep.equal({ id: `d-${run}-anon`, state: 'different', differs: ['donor'] });
      });

      it("says of another charity's donation only that its charity differs", async function () {
        const theirs = { ...gift(`d-${run}-b`), projectId: projectB };
        expect(itemsOf(await compare([theirs]))).to.deep.equal([{ id: theirs.id, state: 'different', differs: ['charity'] }]);
        expect(itemsOf(await compare([{ ...theirs, amount: 1 }]))).to.deep.equal([{ id: theirs.id, state: 'different', differs: ['charity'] }]);
        expect(itemsOf(await compare([theirs], tokB))).to.deep.equal([{ id: theirs.id, state: 'same' }]);
      });

      it('refuses bad bodies with 400, and callers who are not a charity with 403', async function () {
        const good = gift(`d-${run}-1`);
        for (const body of [
          undefined,
          {},
          { items: [] },
          { items: {} },
          { items: Array.from({ length: 1001 }, (_, i) => ({ ...good, id: `x-${i}` })) },
          { items: [7] },
          { items: [{ ...good, id: undefined }] },
          { items: [good, good] },
          { items: [{ ...good, amount: '5000' }] },
          { items: [{ ...good, amount: 0 }] },
          { items: [{ ...good, donor: {} }] },
          { items: [{ ...good, donor: { idNumber: 'nope' } }] },
          { items: [{ ...good, projectId: undefined }] },
          { items: [{ ...good, receivedAt: 'last tuesday' }] },
          { items: [{ ...good, channel: 'not an id' }] },
        ]) {
          expectProblem(await api('POST', '/api/v1/donations/compare', { token: tokA, body }), 400, 'VALIDATION_FAILED');
        }
        expectProblem(await compare([good], issuer), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/donations/compare', { body: { items: [good] } }), 401);
      });
    });
  });
}
