import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sampleCreditCode } from '../../scripts/sample-ids';
import type { Call } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { expectProblem, lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

const PERSONAL = '家属张三举报 110101199003070055';

/**
 * The hardening scenarios: free text that would carry personal data, identity
 * documents, dates, cursors, the issuer registry and type authorisation. Every
 * backend is held to them.
 */
export function hardeningScenarios(opts: SuiteOptions): void {
  describe(`hardening [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;
    let registrar: string;
    let auditor: string;
    let verifier: string;
    let admin: string;

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk1', org: 'civil', roles: ['issuer'] });
      registrar = await h.token({ sub: 'registrar1', org: 'civil', roles: ['registrar'] });
      auditor = await h.token({ sub: 'auditor1', org: 'audit', roles: ['auditor'] });
      verifier = await h.token({ sub: 'desk1', org: 'audit', roles: ['verifier'] });
      admin = await h.token({ sub: 'civil-admin', org: 'civil', roles: ['admin'] });
    });
    after(async () => h?.close());

    async function issue(body: Record<string, unknown> = lowIncomeBody(newIdNumber())) {
      const r = await api('POST', '/api/v1/certificates', { token: issuer, body });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body as { id: string; credential: string; record: { issuerKid: string; issuedAt: string } };
    }
    const verify = async (credential: string) => (await api('POST', '/api/v1/verify', { body: { credential } })).body;
    const check = (v: { checks: Array<{ name: string; ok: boolean }> }, name: string) => v.checks.find((c) => c.name === name)?.ok;

    describe('free text carries no personal data', function () {
      it('refuses an ID or phone number in a status reason with 400 PERSONAL_DATA_REFUSED, and changes nothing', async function () {
        const c = await issue();
        for (const reason of [PERSONAL, '联系电话 13812345678']) {
          expectProblem(await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: { reason } }), 400, 'PERSONAL_DATA_REFUSED');
        }
        const r = await api('GET', `/api/v1/certificates/${c.id}`, { token: verifier });
        expect(r.body.status).to.equal('active');
      });

      it('takes a reason code from the list, with free text optional', async function () {
        const c = await issue();
        const s = await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review' } });
        expect(s.status, JSON.stringify(s.body)).to.equal(200);
        expect(s.body.record).to.include({ status: 'suspended', statusReasonCode: 'eligibility-review' });
        const rv = await api('POST', `/api/v1/certificates/${c.id}/revoke`, { token: issuer, body: { reasonCode: 'eligibility-ended', reason: '家庭收入超过标准' } });
        expect(rv.body.record).to.include({ statusReasonCode: 'eligibility-ended', statusReason: '家庭收入超过标准' });
        expectProblem(await api('POST', `/api/v1/certificates/${(await issue()).id}/suspend`, { token: issuer, body: { reasonCode: 'because' } }), 400, 'VALIDATION_FAILED');
      });

      it('refuses an ID, phone or bank card number in a payee or memo', async function () {
        const charity = `hard-${randomUUID().slice(0, 8)}`;
        const reg = await api('POST', '/api/v1/charities', { token: registrar, body: { id: charity, name: '阳光基金会', creditCode: sampleCreditCode(), publicFundraising: false } });
        expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
        const staff = await h.token({ sub: `staff-${charity}`, org: 'charity', roles: ['charity'], charity });
        const projectId = `p-${randomUUID()}`;
        expect((await api('POST', '/api/v1/projects', { token: staff, body: { id: projectId, title: '助学', targetAmount: 100_000 } })).status).to.equal(201);
        expect((await api('POST', '/api/v1/donations', { token: staff, body: { projectId, amount: 10_000, donor: { anonymous: true } } })).status).to.equal(201);
        const base = { projectId, amount: 100, category: 'program' };
        expectProblem(await api('POST', '/api/v1/disbursements', { token: staff, body: { ...base, payee: PERSONAL } }), 400, 'PERSONAL_DATA_REFUSED');
        expectProblem(await api('POST', '/api/v1/disbursements', { token: staff, body: { ...base, memo: '请联系 138-1234-5678' } }), 400, 'PERSONAL_DATA_REFUSED');
        expectProblem(await api('POST', '/api/v1/disbursements', { token: staff, body: { ...base, memo: '打款至 6222 0210 0112 3456 789' } }), 400, 'PERSONAL_DATA_REFUSED');
        expectProblem(await api('POST', '/api/v1/projects', { token: staff, body: { title: `助学 ${PERSONAL}`, targetAmount: 1 } }), 400, 'PERSONAL_DATA_REFUSED');
        const p = await api('GET', `/api/v1/projects/${projectId}`, { token: staff });
        expect(p.body.disbursed).to.equal(0);
      });
    });

    describe('identity documents', function () {
      it('refuses ID numbers that fail GB 11643 or are separators only, so no two people share a pseudonym', async function () {
        for (const idNumber of ['-', '---', ' - ', '110105194912310021', '110105194902300028']) {
          expectProblem(await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(idNumber) }), 400, 'VALIDATION_FAILED');
          expectProblem(await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber } } }), 400, 'VALIDATION_FAILED');
        }
      });

      it('issues to a passport holder named by idType and finds them by the same document only', async function () {
        const passport = `E${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
        const c = await issue({ ...lowIncomeBody(''), holder: { idType: 'passport', idNumber: passport, name: 'Anna Schmidt' } });
        const found = await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idType: 'passport', idNumber: passport } } });
        expect(found.body.items.map((x: { id: string }) => x.id)).to.deep.equal([c.id]);
        const other = await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idType: 'hk-macao-permit', idNumber: passport } } });
        expect(other.body.items).to.deep.equal([]);
      });

      it('refuses a charity credit code whose GB 32100 check character is wrong', async function () {
        const r = await api('POST', '/api/v1/charities', { token: registrar, body: { id: `cc-${randomUUID().slice(0, 8)}`, name: '基金会', creditCode: '53100000500021676Q', publicFundraising: false } });
        expectProblem(r, 400, 'VALIDATION_FAILED');
        expect(r.body.detail).to.match(/GB 32100/);
      });
    });

    describe('dates and cursors', function () {
      it('refuses impossible dates and date-times without Z or an offset', async function () {
        for (const validFrom of ['2026-02-30', '2026-02-31T00:00:00Z', '2026-03-01T08:00:00']) {
          expectProblem(await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber(), { validFrom }) }), 400, 'VALIDATION_FAILED');
        }
      });

      it('refuses a cursor that does not belong to the listing, before any scan', async function () {
        expectProblem(await api('GET', '/api/v1/certificates?status=revoked&limit=1&cursor=AA', { token: auditor }), 400, 'VALIDATION_FAILED');
        const foreign = Buffer.from('\u0000cert~type\u0000low-income-household\u0000x\u0000').toString('base64url');
        expectProblem(await api('GET', `/api/v1/certificates?status=revoked&limit=1&cursor=${foreign}`, { token: auditor }), 400, 'VALIDATION_FAILED');
      });
    });

    describe('issuer registry and type authorisation', function () {
      it('refuses a certificate type for an organisation outside the consortium', async function () {
        const r = await api('POST', '/api/v1/certificate-types', {
          token: registrar,
          body: { type: `evil-${randomUUID().slice(0, 8)}`, title: 'Evil', issuerMsps: ['EvilMSP'], schema: { type: 'object' } },
        });
        expectProblem(r, 400, 'VALIDATION_FAILED');
      });

      it("lets exactly the organisations in a type's issuerMsps issue it", async function () {
        const type = `charity-cert-${randomUUID().slice(0, 8)}`;
        const reg = await api('POST', '/api/v1/certificate-types', { token: registrar, body: { type, title: 'Volunteer service record', issuerMsps: ['CharityMSP'], schema: { type: 'object' } } });
        expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
        const body = { type, holder: { idNumber: newIdNumber(), name: '志愿者' }, claims: {} };
        const charityIssuer = await h.token({ sub: 'vol-desk', org: 'charity', roles: ['issuer'], charity: 'c1' });
        const ok = await api('POST', '/api/v1/certificates', { token: charityIssuer, body });
        expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
        expect(ok.body.record.issuerMsp).to.equal('CharityMSP');
        expect((await verify(ok.body.credential)).valid).to.equal(true);
        expectProblem(await api('POST', '/api/v1/certificates', { token: issuer, body: { ...body, holder: { idNumber: newIdNumber(), name: 'x' } } }), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/certificates', { token: charityIssuer, body: lowIncomeBody(newIdNumber()) }), 403, 'FORBIDDEN');
      });

      it('marks a key compromised as of a time: credentials it signed before still pass the issuer check, later ones fail', async function () {
        const before = await issue();
        const after = await issue();
        expect(after.record.issuerKid).to.equal(before.record.issuerKid);
        const kid = before.record.issuerKid;
        const other = await h.token({ sub: 'audit-admin', org: 'audit', roles: ['admin'] });
        expectProblem(await api('POST', `/api/v1/issuers/keys/${kid}/compromised`, { token: other, body: { compromisedAt: after.record.issuedAt } }), 403, 'FORBIDDEN');
        expectProblem(await api('POST', `/api/v1/issuers/keys/${kid}/compromised`, { token: admin, body: { compromisedAt: '2026-03-01T08:00:00' } }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('POST', '/api/v1/issuers/keys/no-such-key/compromised', { token: admin, body: {} }), 404, 'KEY_NOT_FOUND');
        const r = await api('POST', `/api/v1/issuers/keys/${kid}/compromised`, { token: admin, body: { compromisedAt: after.record.issuedAt } });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect(r.body).to.include({ kid, status: 'compromised', compromisedAt: after.record.issuedAt });
        const vBefore = await verify(before.credential);
        expect(vBefore.valid, JSON.stringify(vBefore.checks)).to.equal(true);
        const vAfter = await verify(after.credential);
        expect(vAfter.valid).to.equal(false);
        expect(check(vAfter, 'issuer')).to.equal(false);
        const next = await issue();
        expect(next.record.issuerKid).to.not.equal(kid);
        expect((await verify(next.credential)).valid).to.equal(true);
      });
    });
  });
}
