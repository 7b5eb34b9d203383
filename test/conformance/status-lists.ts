import { expect } from 'chai';
import { createPublicKey, verify as verifySignature, type JsonWebKey } from 'node:crypto';
import type { Call } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { expectProblem, lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

interface Entry {
  id: string;
  type: string;
  statusPurpose: 'revocation' | 'suspension';
  statusListIndex: string;
  statusListCredential: string;
}

const segment = (jws: string, i: number) => JSON.parse(Buffer.from(jws.split('.')[i], 'base64url').toString('utf8'));

/**
 * Public status lists (W3C Bitstring Status List) and the holder check. The
 * lists are read with an independent decoder, and their signatures checked
 * with node:crypto against the published key.
 */
export function statusListScenarios(opts: SuiteOptions): void {
  describe(`status lists and the holder check [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk-sl', org: 'civil', roles: ['issuer'] });
    });
    after(async () => h?.close());

    async function issue(idNumber = newIdNumber()) {
      const r = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(idNumber) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      const entries = segment(r.body.credential, 1).credentialStatus as Entry[];
      return { ...(r.body as { id: string; credential: string }), idNumber, entries };
    }

    /** Fetches a list with no login, checks its signature with the published key, and decodes it independently. */
    async function fetchList(entry: Entry) {
      const path = new URL(entry.statusListCredential).pathname;
      const r = await api('GET', path);
      expect(r.status, r.text).to.equal(200);
      expect(r.headers.get('content-type')).to.match(/^application\/vc\+jwt/);
      const jws = r.text;
      const header = segment(jws, 0);
      expect(header).to.include({ alg: 'ES256', typ: 'vc+jwt' });
      const issuers = await api('GET', '/api/v1/issuers');
      const jwk = issuers.body.items.flatMap((i: { keys: Array<{ kid: string; jwk: JsonWebKey }> }) => i.keys).find((k: { kid: string }) => k.kid === header.kid)?.jwk;
      expect(jwk, `key ${header.kid} is published`).to.be.an('object');
      const dot = jws.lastIndexOf('.');
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      expect(verifySignature('sha256', Buffer.from(jws.slice(0, dot)), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(jws.slice(dot + 1), 'base64url'))).to.equal(true);
      const vc = segment(jws, 1);
      expect(vc.type).to.include('BitstringStatusListCredential');
      expect(vc.credentialSubject).to.include({ type: 'BitstringStatusList', statusPurpose: entry.statusPurpose });
      expect(vc.validFrom).to.be.a('string');
      const { decodeList } = await import('@digitalbazaar/vc-bitstring-status-list');
      const list = await decodeList({ encodedList: vc.credentialSubject.encodedList });
      expect(list.length).to.be.at.least(131_072);
      return { list, etag: r.headers.get('etag'), cacheControl: r.headers.get('cache-control'), path };
    }

    const bit = async (entry: Entry) => (await fetchList(entry)).list.getStatus(Number(entry.statusListIndex));
    const byPurpose = (entries: Entry[], purpose: Entry['statusPurpose']) => entries.find((e) => e.statusPurpose === purpose) as Entry;

    it('gives every new credential a revocation and a suspension entry, and no full ID number', async function () {
      const c = await issue();
      expect(c.entries.map((e) => e.statusPurpose).sort()).to.deep.equal(['revocation', 'suspension']);
      for (const e of c.entries) {
        expect(e.type).to.equal('BitstringStatusListEntry');
        expect(e.statusListIndex).to.match(/^\d+$/);
        expect(e.statusListCredential).to.match(/\/api\/v1\/status-lists\/CivilAffairsMSP\/(revocation|suspension)\/\d+$/);
      }
      const payload = Buffer.from(c.credential.split('.')[1], 'base64url').toString('utf8');
      expect(payload).to.not.include(c.idNumber);
      expect(segment(c.credential, 1).credentialSubject.holder.idNumber).to.equal(`${c.idNumber.slice(0, 6)}${'*'.repeat(12)}`);
    });

    it('serves lists without login whose bits follow revoke, suspend and reinstate', async function () {
      const a = await issue();
      const b = await issue();
      expect(await bit(byPurpose(a.entries, 'revocation'))).to.equal(false);
      expect(await bit(byPurpose(a.entries, 'suspension'))).to.equal(false);
      expect((await api('POST', `/api/v1/certificates/${a.id}/revoke`, { token: issuer, body: { reasonCode: 'issued-in-error' } })).status).to.equal(200);
      expect(await bit(byPurpose(a.entries, 'revocation'))).to.equal(true);
      expect(await bit(byPurpose(b.entries, 'revocation'))).to.equal(false);
      expect((await api('POST', `/api/v1/certificates/${b.id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review' } })).status).to.equal(200);
      expect(await bit(byPurpose(b.entries, 'suspension'))).to.equal(true);
      expect((await api('POST', `/api/v1/certificates/${b.id}/reinstate`, { token: issuer, body: { reasonCode: 'review-passed' } })).status).to.equal(200);
      expect(await bit(byPurpose(b.entries, 'suspension'))).to.equal(false);
    });

    it('numbers a batch consecutively', async function () {
      const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items: [lowIncomeBody(newIdNumber()), lowIncomeBody(newIdNumber()), lowIncomeBody(newIdNumber())] } });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      const numbers = r.body.items.map((i: { credential: string }) => {
        const e = byPurpose(segment(i.credential, 1).credentialStatus as Entry[], 'revocation');
        return Number(e.statusListIndex);
      });
      expect(numbers).to.deep.equal([numbers[0], numbers[0] + 1, numbers[0] + 2]);
    });

    it('answers ETag and Cache-Control, and 304 to a matching If-None-Match', async function () {
      const c = await issue();
      const first = await fetchList(byPurpose(c.entries, 'revocation'));
      expect(first.etag).to.be.a('string');
      expect(first.cacheControl).to.match(/max-age=\d+/);
      const again = await api('GET', first.path, { headers: { 'if-none-match': first.etag as string } });
      expect(again.status).to.equal(304);
    });

    it('answers 404 for an unknown organisation, purpose or list', async function () {
      expectProblem(await api('GET', '/api/v1/status-lists/EvilMSP/revocation/0'), 404, 'STATUS_LIST_NOT_FOUND');
      expectProblem(await api('GET', '/api/v1/status-lists/CivilAffairsMSP/expiry/0'), 404, 'STATUS_LIST_NOT_FOUND');
      expectProblem(await api('GET', '/api/v1/status-lists/CivilAffairsMSP/revocation/999'), 404, 'STATUS_LIST_NOT_FOUND');
      expectProblem(await api('GET', '/api/v1/status-lists/CivilAffairsMSP/revocation/x'), 404, 'STATUS_LIST_NOT_FOUND');
    });

    it('confirms the holder by ID number without the credential carrying it, and locks out after failures', async function () {
      const c = await issue();
      const check = (v: { checks: Array<{ name: string; ok: boolean }> }) => v.checks.find((x) => x.name === 'holder');
      const plain = await api('POST', '/api/v1/verify', { body: { credential: c.credential } });
      expect(plain.body.valid).to.equal(true);
      expect(check(plain.body)).to.equal(undefined);
      // Passing checks are not limited.
      for (let i = 0; i < 8; i++) {
        const right = await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: c.idNumber.toLowerCase() } } });
        expect(right.body.valid).to.equal(true);
        expect(check(right.body)?.ok).to.equal(true);
      }
      const wrong = await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: newIdNumber() } } });
      expect(wrong.body.valid).to.equal(false);
      expect(check(wrong.body)?.ok).to.equal(false);
      expect(wrong.body.checks.slice(0, 6).every((x: { ok: boolean }) => x.ok)).to.equal(true);
      expectProblem(await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: '12345' } } }), 400, 'VALIDATION_FAILED');
      for (let i = 0; i < 4; i++) {
        const r = await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: newIdNumber() } } });
        expect(check(r.body)?.ok, `failure ${i + 2}`).to.equal(false);
      }
      // Five failures: locked out for a minute, even for the right number.
      const locked = await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: c.idNumber } } });
      expectProblem(locked, 429, 'RATE_LIMITED');
      expect(Number(locked.headers.get('retry-after'))).to.be.within(1, 60);
      expect((await api('POST', '/api/v1/verify', { body: { credential: c.credential } })).status).to.equal(200);
      // Another credential is not affected.
      const other = await issue();
      const ok = await api('POST', '/api/v1/verify', { body: { credential: other.credential, holder: { idNumber: other.idNumber } } });
      expect(check(ok.body)?.ok).to.equal(true);
    });

    it('counts holder checks only of credentials that verify, so forgeries neither count nor flush the count', async function () {
      const c = await issue();
      const [h0, p0] = c.credential.split('.');
      const payload = segment(c.credential, 1);
      for (let i = 0; i < 30; i++) {
        // Forged: another payload under the genuine header, or the genuine payload under a wrong signature.
        const forged = i % 2 === 0
          ? `${h0}.${Buffer.from(JSON.stringify({ ...payload, validFrom: `2020-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z` })).toString('base64url')}.${c.credential.split('.')[2]}`
          : `${h0}.${p0}.${Buffer.alloc(64, i).toString('base64url')}`;
        const r = await api('POST', '/api/v1/verify', { body: { credential: forged, holder: { idNumber: newIdNumber() } } });
        expect(r.status, r.text).to.equal(200);
        expect(r.body.valid).to.equal(false);
      }
      const right = await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: c.idNumber } } });
      expect(right.body.checks.find((x: { name: string }) => x.name === 'holder')?.ok).to.equal(true);
      for (let i = 0; i < 5; i++) await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: newIdNumber() } } });
      for (let i = 0; i < 30; i++) await api('POST', '/api/v1/verify', { body: { credential: `${h0}.${p0}.${Buffer.alloc(64, i).toString('base64url')}`, holder: { idNumber: newIdNumber() } } });
      expectProblem(await api('POST', '/api/v1/verify', { body: { credential: c.credential, holder: { idNumber: c.idNumber } } }), 429, 'RATE_LIMITED');
    });
  });
}
