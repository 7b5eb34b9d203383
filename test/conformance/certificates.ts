import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import type { Call } from '../support/http';
import { contractClient } from '../support/openapi-check';
import type { Harness, SuiteOptions } from './harness';
import { sampleResidentId } from '../../scripts/sample-ids';

/** A valid low-income-household issuance body for a holder. */
export function lowIncomeBody(idNumber: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'low-income-household',
    holder: { idNumber, name: '张三' },
    claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: '北京市东城区' },
    ...extra,
  };
}

/** A fresh resident ID number that passes GB 11643. */
export const newIdNumber = (): string => sampleResidentId();

export function expectProblem(r: { status: number; headers: Headers; body: any }, status: number, code?: string): void {
  expect(r.status, JSON.stringify(r.body)).to.equal(status);
  expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(r.body).to.include.keys('type', 'title', 'status', 'detail', 'code');
  expect(r.body.status).to.equal(status);
  if (code) expect(r.body.code).to.equal(code);
}

/**
 * API scenarios for Health, Registry, Certificates and Verification, run
 * against any backend the factory starts.
 */
export function certificateScenarios(opts: SuiteOptions): void {
  describe(`certificates and verification [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;
    let issuer2: string;
    let verifier: string;
    let auditor: string;
    let admin: string;
    let registrar: string;
    let charityIssuer: string;

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk1', org: 'civil', roles: ['issuer'], dept: 'marriage-office' });
      issuer2 = await h.token({ sub: 'clerk2', org: 'civil', roles: ['issuer'] });
      verifier = await h.token({ sub: 'hospital-desk', org: 'audit', roles: ['verifier'] });
      auditor = await h.token({ sub: 'auditor1', org: 'audit', roles: ['auditor'] });
      admin = await h.token({ sub: 'civil-admin', org: 'civil', roles: ['admin'] });
      registrar = await h.token({ sub: 'registrar1', org: 'civil', roles: ['registrar'] });
      charityIssuer = await h.token({ sub: 'mallory', org: 'charity', roles: ['issuer'], charity: 'c1' });
    });
    after(async () => h?.close());

    async function issueOne(idNumber = newIdNumber(), extra: Record<string, unknown> = {}) {
      const r = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(idNumber, extra) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body as { id: string; credential: string; record: any; txId: string; blockNumber: number };
    }

    async function verify(credential: string) {
      const r = await api('POST', '/api/v1/verify', { body: { credential } });
      expect(r.status).to.equal(200);
      return r.body as { valid: boolean; status: string; checks: Array<{ name: string; ok: boolean; detail: string }>; anchor?: any; certificate?: any };
    }

    const check = (v: { checks: Array<{ name: string; ok: boolean }> }, name: string) => v.checks.find((c) => c.name === name)?.ok;

    describe('health and registry', function () {
      it('reports the backend and a ledger height in /healthz', async function () {
        const r = await api('GET', '/healthz');
        expect(r.status).to.equal(200);
        expect(r.body.status).to.equal('ok');
        expect(r.body.ledger.backend).to.equal(h.backend);
        expect(r.body.ledger.height).to.be.a('number').greaterThan(0);
      });

      it('lists the five seeded certificate types, all issued by CivilAffairsMSP, without a token', async function () {
        const r = await api('GET', '/api/v1/certificate-types');
        expect(r.status).to.equal(200);
        const types = r.body.items.map((t: any) => t.type);
        expect(types).to.include.members(['marriage-registration', 'low-income-household', 'disability-subsidy', 'elderly-care-institution', 'charity-registration']);
        for (const t of r.body.items.filter((x: any) => types.includes(x.type))) {
          expect(t.issuerMsps).to.include('CivilAffairsMSP');
          expect(t.schema).to.be.an('object');
          expect(t.title).to.be.a('string');
        }
      });

      it('lists issuers with an active public key and no private parts', async function () {
        const r = await api('GET', '/api/v1/issuers');
        expect(r.status).to.equal(200);
        const civil = r.body.items.find((i: any) => i.mspId === 'CivilAffairsMSP');
        expect(civil.name).to.be.a('string');
        const active = civil.keys.filter((k: any) => k.status === 'active');
        expect(active).to.have.length(1);
        expect(active[0].jwk).to.include({ kty: 'EC', crv: 'P-256' });
        expect(active[0].jwk).to.not.have.property('d');
        expect(active[0].activatedAt).to.be.a('string');
      });

      it('registers a certificate type for a registrar and refuses a duplicate', async function () {
        const type = `pension-${randomUUID().slice(0, 8)}`;
        const body = { type, title: 'Pension eligibility', issuerMsps: ['CivilAffairsMSP'], schema: { type: 'object', required: ['level'], properties: { level: { type: 'integer' } } } };
        const r = await api('POST', '/api/v1/certificate-types', { token: registrar, body });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        expect(r.body).to.include({ type, title: 'Pension eligibility' });
        const again = await api('POST', '/api/v1/certificate-types', { token: registrar, body });
        expectProblem(again, 409, 'DUPLICATE_ID');
        const list = await api('GET', '/api/v1/certificate-types');
        expect(list.body.items.map((t: any) => t.type)).to.include(type);
      });

      it('refuses type registration by an issuer without the registrar role', async function () {
        const r = await api('POST', '/api/v1/certificate-types', {
          token: issuer,
          body: { type: 'x-type', title: 'X', issuerMsps: ['CivilAffairsMSP'], schema: { type: 'object' } },
        });
        expectProblem(r, 403, 'FORBIDDEN');
      });

      it('serves an OpenAPI 3.1 document', async function () {
        const r = await api('GET', '/api/v1/openapi.json');
        expect(r.status).to.equal(200);
        expect(r.body.openapi).to.match(/^3\.1\./);
        expect(r.body.paths).to.include.keys('/api/v1/certificates', '/api/v1/verify', '/api/v1/certificates/{id}/revoke');
      });
    });

    describe('issue and verify', function () {
      it('issues a certificate whose credential verifies valid with every check passing', async function () {
        const c = await issueOne();
        expect(c.credential.split('.')).to.have.length(3);
        expect(c.record).to.include({ id: c.id, type: 'low-income-household', issuerMsp: 'CivilAffairsMSP', status: 'active', digestAlg: 'sha-256' });
        expect(c.txId).to.be.a('string');
        expect(c.blockNumber).to.be.a('number');
        const header = JSON.parse(Buffer.from(c.credential.split('.')[0], 'base64url').toString());
        expect(header).to.include({ alg: 'ES256', typ: 'vc+jwt', kid: c.record.issuerKid });
        const v = await verify(c.credential);
        expect(v.valid, JSON.stringify(v.checks)).to.equal(true);
        expect(v.status).to.equal('active');
        expect(v.checks.map((x) => x.name)).to.deep.equal(['format', 'signature', 'issuer', 'anchor', 'status', 'validity']);
        expect(v.anchor).to.deep.equal({ txId: c.txId, blockNumber: c.blockNumber });
      });

      it('keeps personal data off the record', async function () {
        const idNumber = newIdNumber();
        const c = await issueOne(idNumber);
        const r = await api('GET', `/api/v1/certificates/${c.id}`, { token: verifier });
        expect(r.status).to.equal(200);
        expect(r.text).to.not.include(idNumber);
        expect(r.text).to.not.include('张三');
        expect(r.body.holderRef).to.match(/^[0-9a-f]{64}$/);
      });

      it('fails the signature check of a tampered credential', async function () {
        const c = await issueOne();
        const [hd, payload, sig] = c.credential.split('.');
        const vc = JSON.parse(Buffer.from(payload, 'base64url').toString());
        vc.credentialSubject.monthlyAllowanceFen = 9_999_999;
        const forged = `${hd}.${Buffer.from(JSON.stringify(vc)).toString('base64url')}.${sig}`;
        const v = await verify(forged);
        expect(v.valid).to.equal(false);
        expect(check(v, 'signature')).to.equal(false);
        expect(check(v, 'anchor')).to.equal(false);
      });

      it('answers any string with a verdict, and a non-string credential with 400', async function () {
        const v = await verify('not-a-jws');
        expect(v.valid).to.equal(false);
        expect(v.status).to.equal('unknown');
        expect(check(v, 'format')).to.equal(false);
        expectProblem(await api('POST', '/api/v1/verify', { body: { credential: 42 } }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('POST', '/api/v1/verify', { body: {} }), 400, 'VALIDATION_FAILED');
      });

      it('reports an expired credential as expired', async function () {
        const c = await issueOne(newIdNumber(), { validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' });
        const v = await verify(c.credential);
        expect(v.valid).to.equal(false);
        expect(v.status).to.equal('expired');
        expect(check(v, 'validity')).to.equal(false);
        expect(check(v, 'signature')).to.equal(true);
      });

      it('returns 404 CERT_NOT_FOUND for an unknown id', async function () {
        expectProblem(await api('GET', `/api/v1/certificates/${randomUUID()}`, { token: verifier }), 404, 'CERT_NOT_FOUND');
      });

      it('refuses a duplicate id with 409 DUPLICATE_ID', async function () {
        const id = `dup-${randomUUID()}`;
        await issueOne(newIdNumber(), { id });
        const r = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber(), { id }) });
        expectProblem(r, 409, 'DUPLICATE_ID');
      });

      it('refuses claims that violate the type schema with 400', async function () {
        const r = await api('POST', '/api/v1/certificates', {
          token: issuer,
          body: lowIncomeBody(newIdNumber(), { claims: { householdSize: 'three', region: '北京' } }),
        });
        expectProblem(r, 400, 'VALIDATION_FAILED');
        expect(r.body.detail).to.match(/schema/);
      });
    });

    describe('authentication and authorisation', function () {
      it('answers 401 without a token', async function () {
        expectProblem(await api('POST', '/api/v1/certificates', { body: lowIncomeBody(newIdNumber()) }), 401, 'UNAUTHENTICATED');
        expectProblem(await api('GET', '/api/v1/certificates/x'), 401, 'UNAUTHENTICATED');
      });

      it('answers 401 for a token signed by an untrusted key, an unknown kid, alg none, or an expired token', async function () {
        const claims = { sub: 'clerk1', org: 'civil' as const, roles: ['issuer'] };
        const body = lowIncomeBody(newIdNumber());
        expectProblem(await api('POST', '/api/v1/certificates', { token: await h.foreignToken(claims), body }), 401);
        const stranger = await generateKeyPair('ES256');
        const unknownKid = await new SignJWT({ org: 'civil', roles: ['issuer'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'no-such-key' })
          .setSubject('clerk1')
          .setExpirationTime('1h')
          .sign(stranger.privateKey);
        expectProblem(await api('POST', '/api/v1/certificates', { token: unknownKid, body }), 401);
        const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
          JSON.stringify({ sub: 'clerk1', org: 'civil', roles: ['issuer'], exp: Math.floor(Date.now() / 1000) + 3600 }),
        ).toString('base64url')}.`;
        expectProblem(await api('POST', '/api/v1/certificates', { token: none, body }), 401);
        const expired = await h.token(claims, { ttlSeconds: -60 });
        const r = await api('POST', '/api/v1/certificates', { token: expired, body });
        expectProblem(r, 401);
        expect(r.body.detail).to.match(/expired/);
      });

      it('answers 403 when another org issues or a non-issuer role tries', async function () {
        expectProblem(await api('POST', '/api/v1/certificates', { token: charityIssuer, body: lowIncomeBody(newIdNumber()) }), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/certificates', { token: verifier, body: lowIncomeBody(newIdNumber()) }), 403, 'FORBIDDEN');
        expectProblem(await api('POST', '/api/v1/certificates', { token: registrar, body: lowIncomeBody(newIdNumber()) }), 403, 'FORBIDDEN');
      });

      it('refuses holder lookups to callers without verifier, issuer or auditor role', async function () {
        const plain = await h.token({ sub: 'someone', org: 'charity', roles: ['charity'], charity: 'c1' });
        expectProblem(await api('POST', '/api/v1/certificates/search', { token: plain, body: { holder: { idNumber: newIdNumber() } } }), 403, 'FORBIDDEN');
      });
    });

    describe('lifecycle', function () {
      it('suspends, reinstates and revokes, with the verify verdict following each move', async function () {
        const c = await issueOne();
        const s = await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: { reason: 'eligibility review' } });
        expect(s.status, JSON.stringify(s.body)).to.equal(200);
        expect(s.body.record).to.include({ status: 'suspended', statusReason: 'eligibility review' });
        expect(s.body.txId).to.be.a('string');
        let v = await verify(c.credential);
        expect(v).to.include({ valid: false, status: 'suspended' });
        expect(check(v, 'status')).to.equal(false);
        expect(check(v, 'signature')).to.equal(true);

        const back = await api('POST', `/api/v1/certificates/${c.id}/reinstate`, { token: issuer2, body: { reason: 'review passed' } });
        expect(back.status).to.equal(200);
        v = await verify(c.credential);
        expect(v).to.include({ valid: true, status: 'active' });

        const rv = await api('POST', `/api/v1/certificates/${c.id}/revoke`, { token: issuer, body: { reason: 'household income above threshold' } });
        expect(rv.status).to.equal(200);
        v = await verify(c.credential);
        expect(v).to.include({ valid: false, status: 'revoked' });
      });

      it('answers 409 INVALID_TRANSITION for a move the lifecycle does not allow', async function () {
        const c = await issueOne();
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/reinstate`, { token: issuer, body: { reason: 'x' } }), 409, 'INVALID_TRANSITION');
        await api('POST', `/api/v1/certificates/${c.id}/revoke`, { token: issuer, body: { reason: 'error in issuance' } });
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: { reason: 'x' } }), 409, 'INVALID_TRANSITION');
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/reinstate`, { token: issuer, body: { reason: 'x' } }), 409, 'INVALID_TRANSITION');
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/revoke`, { token: issuer, body: { reason: 'x' } }), 409, 'INVALID_TRANSITION');
      });

      it('requires a reason for a status change', async function () {
        const c = await issueOne();
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: {} }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: { reason: '' } }), 400, 'VALIDATION_FAILED');
      });

      it('keeps the history oldest first with the actor of each change', async function () {
        const c = await issueOne();
        await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer2, body: { reason: 'check' } });
        await api('POST', `/api/v1/certificates/${c.id}/reinstate`, { token: issuer, body: { reason: 'ok' } });
        const r = await api('GET', `/api/v1/certificates/${c.id}/history`, { token: auditor });
        expect(r.status).to.equal(200);
        expect(r.body.items.map((e: any) => e.status)).to.deep.equal(['active', 'suspended', 'active']);
        expect(r.body.items[0].txId).to.equal(c.txId);
        expect(r.body.items[1].reason).to.equal('check');
        expect(r.body.items.map((e: any) => e.actor.mspId)).to.deep.equal(['CivilAffairsMSP', 'CivilAffairsMSP', 'CivilAffairsMSP']);
        expect(r.body.items[0].actor.id).to.include('CN=clerk1');
        expect(r.body.items[1].actor.id).to.include('CN=clerk2');
        const times = r.body.items.map((e: any) => e.timestamp);
        expect([...times].sort()).to.deep.equal(times);
      });

      it('refuses a status change from another org with 403', async function () {
        const c = await issueOne();
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: charityIssuer, body: { reason: 'x' } }), 403, 'FORBIDDEN');
      });

      it('answers 409 INVALID_TRANSITION to suspending a suspended certificate, and leaves it as it was', async function () {
        const c = await issueOne();
        const s = await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review', reason: 'first review' } });
        expect(s.status, JSON.stringify(s.body)).to.equal(200);
        for (const token of [issuer, issuer2]) {
          const again = await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token, body: { reasonCode: 'eligibility-review', reason: 'second review' } });
          expectProblem(again, 409, 'INVALID_TRANSITION');
        }
        const held = await api('GET', `/api/v1/certificates/${c.id}`, { token: verifier });
        expect(held.status).to.equal(200);
        expect(held.body).to.include({ status: 'suspended', statusReason: 'first review', updatedAt: s.body.record.updatedAt });
        const history = await api('GET', `/api/v1/certificates/${c.id}/history`, { token: auditor });
        expect(history.body.items.map((e: any) => e.status)).to.deep.equal(['active', 'suspended']);
        expect(await verify(c.credential)).to.include({ valid: false, status: 'suspended' });
      });

      it('answers 409 INVALID_TRANSITION to reinstating a certificate that is active again, and to any move from revoked', async function () {
        const c = await issueOne();
        expect((await api('POST', `/api/v1/certificates/${c.id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review' } })).status).to.equal(200);
        expect((await api('POST', `/api/v1/certificates/${c.id}/reinstate`, { token: issuer, body: { reasonCode: 'review-passed' } })).status).to.equal(200);
        expectProblem(await api('POST', `/api/v1/certificates/${c.id}/reinstate`, { token: issuer, body: { reasonCode: 'review-passed' } }), 409, 'INVALID_TRANSITION');
        expect((await api('GET', `/api/v1/certificates/${c.id}`, { token: verifier })).body.status).to.equal('active');

        const rv = await api('POST', `/api/v1/certificates/${c.id}/revoke`, { token: issuer, body: { reasonCode: 'eligibility-ended' } });
        expect(rv.status, JSON.stringify(rv.body)).to.equal(200);
        for (const action of ['suspend', 'reinstate', 'revoke']) {
          expectProblem(await api('POST', `/api/v1/certificates/${c.id}/${action}`, { token: issuer2, body: { reasonCode: 'review-passed' } }), 409, 'INVALID_TRANSITION');
        }
        const history = await api('GET', `/api/v1/certificates/${c.id}/history`, { token: auditor });
        expect(history.body.items.map((e: any) => e.status)).to.deep.equal(['active', 'suspended', 'active', 'revoked']);
        expect(await verify(c.credential)).to.include({ valid: false, status: 'revoked' });
      });
    });

    describe('batch issuance', function () {
      it('issues a batch in one transaction, every credential verifying', async function () {
        const items = Array.from({ length: 25 }, () => lowIncomeBody(newIdNumber()));
        const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        expect(r.body.items).to.have.length(25);
        expect(r.body.txId).to.be.a('string');
        const v = await verify(r.body.items[24].credential);
        expect(v.valid).to.equal(true);
        expect(v.anchor.txId).to.equal(r.body.txId);
      });

      it('answers with each record exactly as the ledger holds it, dates normalised as written', async function () {
        // The chaincode answers a batch with what its records share; the gateway rebuilds each record from that.
        const items = [
          lowIncomeBody(newIdNumber(), { validFrom: '2026-03-01T08:00:00+08:00', validUntil: '2027-03-01T00:00:00.5Z' }),
          lowIncomeBody(newIdNumber()),
          lowIncomeBody(newIdNumber(), { id: `batch-${randomUUID()}` }),
        ];
        const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        for (const item of r.body.items as Array<{ id: string; record: Record<string, unknown> }>) {
          const stored = await api('GET', `/api/v1/certificates/${item.id}`, { token: issuer });
          expect(stored.status).to.equal(200);
          expect(item.record).to.deep.equal(stored.body);
          expect(item.record.issueTxId).to.equal(r.body.txId);
        }
        expect(r.body.items[0].record).to.include({ validFrom: '2026-03-01T00:00:00.000Z', validUntil: '2027-03-01T00:00:00.500Z' });
      });

      it('is all or nothing: one duplicate id rejects the whole batch and writes none', async function () {
        const existing = await issueOne();
        const fresh = Array.from({ length: 5 }, () => `batch-${randomUUID()}`);
        const items = [...fresh.map((id) => lowIncomeBody(newIdNumber(), { id })), lowIncomeBody(newIdNumber(), { id: existing.id })];
        expectProblem(await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items } }), 409, 'DUPLICATE_ID');
        for (const id of fresh) expectProblem(await api('GET', `/api/v1/certificates/${id}`, { token: verifier }), 404, 'CERT_NOT_FOUND');
      });

      it('rejects an empty batch, one over 1000 items, and an invalid item naming its index', async function () {
        expectProblem(await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items: [] } }), 400);
        const items = [lowIncomeBody(newIdNumber()), lowIncomeBody(newIdNumber(), { claims: { householdSize: 0 } })];
        const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items } });
        expectProblem(r, 400, 'VALIDATION_FAILED');
        expect(r.body.detail).to.include('items[1]');
        const tooMany = { items: Array.from({ length: 1001 }, () => ({ type: 'low-income-household' })) };
        expectProblem(await api('POST', '/api/v1/certificates/batch', { token: issuer, body: tooMany }), 400);
      });
    });

    describe('lookups', function () {
      it("finds a holder's certificates by ID number in the body, normalising the check character", async function () {
        const idNumber = newIdNumber();
        const a = await issueOne(idNumber);
        const b = await issueOne(idNumber.toLowerCase());
        await issueOne();
        const r = await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber } } });
        expect(r.status).to.equal(200);
        expect(r.body.items.map((x: any) => x.id).sort()).to.deep.equal([a.id, b.id].sort());
        await api('POST', `/api/v1/certificates/${a.id}/suspend`, { token: issuer, body: { reason: 'x' } });
        const active = await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber }, status: 'active' } });
        expect(active.body.items.map((x: any) => x.id)).to.deep.equal([b.id]);
      });

      it('pages through a listing with limit and cursor, without repeats', async function () {
        const type = `page-${randomUUID().slice(0, 8)}`;
        const reg = await api('POST', '/api/v1/certificate-types', {
          token: registrar,
          body: { type, title: 'Paging test', issuerMsps: ['CivilAffairsMSP'], schema: { type: 'object' } },
        });
        expect(reg.status).to.equal(201);
        const items = Array.from({ length: 7 }, () => ({ type, holder: { idNumber: newIdNumber(), name: '李四' }, claims: {} }));
        const batch = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items } });
        expect(batch.status, JSON.stringify(batch.body)).to.equal(201);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const q = `/api/v1/certificates?type=${type}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
          const r = await api('GET', q, { token: auditor });
          expect(r.status, JSON.stringify(r.body)).to.equal(200);
          expect(r.body.items.length).to.be.at.most(3);
          seen.push(...r.body.items.map((x: any) => x.id));
          cursor = r.body.nextCursor;
          pages++;
        } while (cursor && pages < 10);
        expect(pages).to.equal(3);
        expect(seen.sort()).to.deep.equal(batch.body.items.map((x: any) => x.id).sort());
        const revoked = await api('GET', `/api/v1/certificates?type=${type}&status=revoked`, { token: auditor });
        expect(revoked.body.items).to.deep.equal([]);
      });
    });

    describe('key rotation', function () {
      it('rotates the signing key; credentials from the retired key still verify and new ones use the new key', async function () {
        const before = await issueOne();
        const r = await api('POST', '/api/v1/issuers/keys/rotate', { token: admin });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        expect(r.body.retired).to.include(before.record.issuerKid);
        const after = await issueOne();
        expect(after.record.issuerKid).to.equal(r.body.key.kid);
        expect(after.record.issuerKid).to.not.equal(before.record.issuerKid);
        expect((await verify(before.credential)).valid).to.equal(true);
        expect((await verify(after.credential)).valid).to.equal(true);
        const issuers = await api('GET', '/api/v1/issuers');
        const keys = issuers.body.items.find((i: any) => i.mspId === 'CivilAffairsMSP').keys;
        expect(keys.find((k: any) => k.kid === before.record.issuerKid)).to.include({ status: 'retired' });
        expect(keys.find((k: any) => k.kid === before.record.issuerKid).retiredAt).to.be.a('string');
        expect(keys.filter((k: any) => k.status === 'active').map((k: any) => k.kid)).to.deep.equal([after.record.issuerKid]);
      });

      it('refuses rotation without the admin role', async function () {
        expectProblem(await api('POST', '/api/v1/issuers/keys/rotate', { token: issuer }), 403, 'FORBIDDEN');
      });
    });

    describe('idempotency', function () {
      it('returns the first answer to a retry with the same Idempotency-Key, writing once', async function () {
        const key = randomUUID();
        const body = lowIncomeBody(newIdNumber());
        const [a, b] = await Promise.all([
          api('POST', '/api/v1/certificates', { token: issuer, body, headers: { 'idempotency-key': key } }),
          api('POST', '/api/v1/certificates', { token: issuer, body, headers: { 'idempotency-key': key } }),
        ]);
        const c = await api('POST', '/api/v1/certificates', { token: issuer, body, headers: { 'idempotency-key': key } });
        expect(a.status).to.equal(201);
        expect(b.body).to.deep.equal(a.body);
        expect(c.status).to.equal(201);
        expect(c.body).to.deep.equal(a.body);
        expect(c.headers.get('idempotent-replayed')).to.equal('true');
        const holder = await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber: body.holder.idNumber } } });
        expect(holder.body.items).to.have.length(1);
      });

      it('refuses the same key with a different body', async function () {
        const key = randomUUID();
        const first = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()), headers: { 'idempotency-key': key } });
        expect(first.status).to.equal(201);
        const other = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()), headers: { 'idempotency-key': key } });
        expectProblem(other, 400, 'VALIDATION_FAILED');
      });
    });

    describe('bad input never gets a 5xx', function () {
      it('answers non-JSON with 400 problem+json', async function () {
        expectProblem(await api('POST', '/api/v1/certificates', { token: issuer, raw: '{"type": "low-income-household",' }), 400, 'VALIDATION_FAILED');
        expectProblem(await api('POST', '/api/v1/verify', { raw: 'credential=abc' }), 400, 'VALIDATION_FAILED');
      });

      it('answers wrong types and missing fields with 400', async function () {
        const bodies: unknown[] = [
          [],
          'a string',
          { type: 5, holder: { idNumber: newIdNumber(), name: 'x' } },
          { type: 'low-income-household', holder: 'x' },
          { type: 'low-income-household', holder: { idNumber: 123, name: 'x' } },
          { type: 'low-income-household', holder: { name: 'x' } },
          { type: 'low-income-household', holder: { idNumber: newIdNumber(), name: 'x' }, claims: [] },
          { holder: { idNumber: newIdNumber(), name: 'x' } },
          { ...lowIncomeBody(newIdNumber()), validFrom: 'yesterday' },
          { ...lowIncomeBody(newIdNumber()), validFrom: '2030-01-01T00:00:00Z', validUntil: '2029-01-01T00:00:00Z' },
          { ...lowIncomeBody(newIdNumber()), id: 'has spaces/and slashes' },
        ];
        for (const body of bodies) {
          const r = await api('POST', '/api/v1/certificates', { token: issuer, body });
          expectProblem(r, 400, 'VALIDATION_FAILED');
        }
      });

      it('answers an unknown certificate type with 400', async function () {
        const r = await api('POST', '/api/v1/certificates', { token: issuer, body: { ...lowIncomeBody(newIdNumber()), type: 'no-such-type' } });
        expectProblem(r, 400, 'VALIDATION_FAILED');
      });

      it('answers a body over the configured limit with 413 problem+json', async function () {
        const raw = JSON.stringify({ items: [], pad: 'x'.repeat(h.bodyLimitBytes + 10) });
        expectProblem(await api('POST', '/api/v1/certificates/batch', { token: issuer, raw }), 413, 'PAYLOAD_TOO_LARGE');
      });

      it('answers bad paging parameters and unknown routes with 4xx', async function () {
        expectProblem(await api('GET', '/api/v1/certificates?limit=0', { token: auditor }), 400);
        expectProblem(await api('GET', '/api/v1/certificates?limit=501', { token: auditor }), 400);
        expectProblem(await api('GET', '/api/v1/certificates?limit=abc', { token: auditor }), 400);
        expectProblem(await api('GET', '/api/v1/certificates?cursor=%%%', { token: auditor }), 400);
        expectProblem(await api('GET', '/api/v1/certificates?cursor=Zm9v', { token: auditor }), 400);
        expectProblem(await api('GET', '/api/v1/certificates?status=lost', { token: auditor }), 400);
        expectProblem(await api('GET', '/api/v1/nowhere', { offContract: 'a path no route serves' }), 404);
        expectProblem(await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: {} } }), 400);
      });
    });
  });
}
