import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Call } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

interface VerdictBody {
  valid: boolean;
  status: string;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  certificate?: any;
  anchor?: any;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A compact JWS with the given header and payload and 64 random bytes where the ES256 signature goes. */
function forge(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return `${b64(header)}.${b64(payload)}.${randomBytes(64).toString('base64url')}`;
}

/**
 * What the public `/api/v1/verify` answer may disclose: nothing of the ledger
 * to a credential that does not verify, never the clerk who changed a record,
 * and a format failure (not a 5xx) for ids the ledger could never hold.
 */
export function verifyPrivacyScenarios(opts: SuiteOptions): void {
  describe(`verification privacy [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk1', org: 'civil', roles: ['issuer'] });
    });
    after(async () => h?.close());

    async function issueOne() {
      const r = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body as { id: string; credential: string; record: any; txId: string; blockNumber: number };
    }

    async function suspend(id: string, reason: string) {
      const r = await api('POST', `/api/v1/certificates/${id}/suspend`, { token: issuer, body: { reason } });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      return r.body.record as { holderRef: string; statusReason: string; updatedBy: { mspId: string; id: string } };
    }

    async function verify(credential: string) {
      const r = await api('POST', '/api/v1/verify', { body: { credential } });
      expect(r.status, r.text).to.equal(200);
      return { body: r.body as VerdictBody, text: r.text };
    }

    const check = (v: VerdictBody, name: string) => v.checks.find((c) => c.name === name);

    it('tells a credential forged around a real id only that its signature failed, disclosing nothing of the record', async function () {
      const c = await issueOne();
      const record = await suspend(c.id, 'eligibility review');
      expect(record.updatedBy.id).to.include('clerk1');
      const forged = forge({ alg: 'ES256', typ: 'vc+jwt', kid: c.record.issuerKid }, { id: `urn:civic:cert:${c.id}`, issuer: 'x' });

      const { body, text } = await verify(forged);
      expect(body.valid).to.equal(false);
      expect(body.status).to.equal('unknown');
      expect(check(body, 'format')?.ok).to.equal(true);
      expect(check(body, 'signature')?.ok).to.equal(false);
      for (const name of ['issuer', 'anchor', 'status', 'validity']) {
        expect(check(body, name), name).to.include({ ok: false });
        expect(check(body, name)?.detail, name).to.match(/^not checked/);
      }
      expect(body).to.not.have.any.keys('certificate', 'anchor');
      for (const secret of [record.holderRef, 'eligibility review', 'updatedBy', record.updatedBy.id, 'clerk1', 'suspended']) {
        expect(text, secret).to.not.include(secret);
      }
    });

    it('answers an unknown id and a real id alike when the signature fails', async function () {
      const c = await issueOne();
      const kid = c.record.issuerKid;
      const real = await verify(forge({ alg: 'ES256', typ: 'vc+jwt', kid }, { id: `urn:civic:cert:${c.id}`, issuer: 'x' }));
      const unknown = await verify(forge({ alg: 'ES256', typ: 'vc+jwt', kid }, { id: `urn:civic:cert:${c.id}-none`, issuer: 'x' }));
      expect(unknown.body).to.deep.equal(real.body);
    });

    it('returns the certificate of a valid credential without the clerk who last changed it', async function () {
      const c = await issueOne();
      let { body, text } = await verify(c.credential);
      expect(body.valid, JSON.stringify(body.checks)).to.equal(true);
      expect(body.certificate).to.include({ id: c.id, status: 'active', holderRef: c.record.holderRef, issueTxId: c.txId });
      expect(body.certificate).to.not.have.property('updatedBy');
      expect(body.anchor).to.deep.equal({ txId: c.txId, blockNumber: c.blockNumber });
      expect(text).to.not.include('clerk1');

      await suspend(c.id, 'eligibility review');
      ({ body, text } = await verify(c.credential));
      expect(body).to.include({ valid: false, status: 'suspended' });
      expect(check(body, 'status')?.detail).to.include('eligibility review');
      expect(body.certificate).to.include({ status: 'suspended', statusReason: 'eligibility review' });
      expect(body.certificate).to.not.have.property('updatedBy');
      expect(text).to.not.include('clerk1');
    });

    it('fails the format check, not the server, for an empty id, an id outside the id rule or a bad kid', async function () {
      const c = await issueOne();
      const kid = c.record.issuerKid;
      const credentials = [
        forge({ alg: 'ES256', typ: 'vc+jwt', kid }, { id: 'urn:civic:cert:', issuer: 'x' }),
        forge({ alg: 'ES256', typ: 'vc+jwt', kid }, { id: 'urn:civic:cert:has spaces/and slashes', issuer: 'x' }),
        forge({ alg: 'ES256', typ: 'vc+jwt', kid }, { id: 'urn:civic:cert:-leading-dash', issuer: 'x' }),
        forge({ alg: 'ES256', typ: 'vc+jwt', kid }, { id: `urn:civic:cert:${'a'.repeat(129)}`, issuer: 'x' }),
        forge({ alg: 'ES256', typ: 'vc+jwt', kid: 'no such/kid' }, { id: `urn:civic:cert:${c.id}`, issuer: 'x' }),
        forge({ alg: 'ES256', typ: 'vc+jwt', kid }, { id: 'urn:civic:cert:\u0000', issuer: 'x' }),
      ];
      for (const credential of credentials) {
        const { body } = await verify(credential);
        expect(body.valid).to.equal(false);
        expect(body.status).to.equal('unknown');
        expect(check(body, 'format')?.ok, JSON.stringify(body.checks)).to.equal(false);
        expect(body.checks.filter((x) => x.ok)).to.deep.equal([]);
        expect(body).to.not.have.any.keys('certificate', 'anchor');
      }
    });
  });
}
