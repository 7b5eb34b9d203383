import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { MAX_JSON_DEPTH } from '../../chaincode/src/codec';
import type { Call, Reply } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { expectProblem, lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions, TokenClaims } from './harness';

/** Bad input never earns a 5xx; when it is refused, the answer is problem+json. */
function expectNoServerError(r: Reply, what: string): void {
  expect(r.status, `${what}: ${r.text.slice(0, 300)}`).to.be.below(500);
  if (r.status >= 400) expect(r.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
}

/** Sends `head` (request line and headers, CRLF-separated) and an optional body as-is; returns the response status. */
function rawStatus(baseUrl: string, head: string[], body = ''): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let out = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(`${[...head, `Host: ${hostname}`, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`));
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0)));
  });
}

/**
 * HTTP-level edge cases: malformed URLs, hostile JSON, content types and
 * tokens that try to slip past the checks. Run against any backend.
 */
export function httpEdgeScenarios(opts: SuiteOptions): void {
  describe(`HTTP edge cases [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;
    let auditor: string;
    let admin: string;

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk1', org: 'civil', roles: ['issuer'] });
      auditor = await h.token({ sub: 'auditor1', org: 'audit', roles: ['auditor'] });
      admin = await h.token({ sub: 'civil-admin', org: 'civil', roles: ['admin'] });
    });
    after(async () => h?.close());

    describe('malformed URL encoding', function () {
      const BAD = ['%ZZ', '%C0%AF', '%ED%A0%80'];

      it('answers a path parameter with malformed percent-encoding with 400', async function () {
        for (const bad of BAD) {
          const r = await api('GET', `/api/v1/certificates/${bad}`, { token: auditor });
          expectProblem(r, 400, 'VALIDATION_FAILED');
          expect(r.body.detail).to.match(/encod|decode/i);
        }
      });

      it('answers malformed encoding in any route parameter with 4xx', async function () {
        for (const bad of BAD) {
          for (const [method, path] of [
            ['GET', `/api/v1/certificates/${bad}/history`],
            ['POST', `/api/v1/certificates/${bad}/revoke`],
            ['GET', `/api/v1/charities/${bad}`],
            ['GET', `/api/v1/audit/history/${bad}/x`],
            ['GET', `/api/v1/audit/history/donation/${bad}`],
            ['GET', `/api/v1/audit/transactions/${bad}`],
          ] as const) {
            const r = await api(method, path, { token: method === 'POST' ? issuer : auditor, ...(method === 'POST' ? { body: { reason: 'x' } } : {}) });
            expectNoServerError(r, `${method} ${path}`);
            expect(r.status, `${method} ${path}`).to.be.at.least(400);
          }
        }
      });

      it('never answers malformed encoding in the query string or in a path without parameters with a 5xx', async function () {
        for (const bad of BAD) {
          for (const path of [
            `/api/v1/certificates?type=${bad}`,
            `/api/v1/certificates?cursor=${bad}&limit=${bad}`,
            `/api/v1/certificates?${bad}=1`,
            `/api/v1/issuers?x=${bad}`,
            `/api/v1/certificate-types${bad}`,
            `/healthz${bad}`,
            `/${bad}`,
            `/api/v1/openapi.json?${bad}`,
          ]) {
            const offContract = path.includes('?') ? undefined : 'a path no route serves';
            expectNoServerError(await api('GET', path, { token: auditor, offContract }), path);
          }
        }
        expectProblem(await api('GET', '/api/v1/certificate-types%ZZ', { offContract: 'a path no route serves' }), 404, 'NOT_FOUND');
      });
    });

    describe('deeply nested JSON', function () {
      it(`refuses 200,000 nested arrays with 400`, async function () {
        const open = '['.repeat(200_000);
        const r = await api('POST', '/api/v1/verify', { raw: open });
        expectProblem(r, 400, 'VALIDATION_FAILED');
        expect(r.body.detail).to.match(/nest/);
        const balanced = open + ']'.repeat(200_000);
        for (const path of ['/api/v1/verify', '/api/v1/certificates']) {
          const b = await api('POST', path, { token: issuer, raw: balanced, headers: { 'idempotency-key': randomUUID() } });
          expectProblem(b, 400, 'VALIDATION_FAILED');
          expect(b.body.detail).to.match(/nest/);
        }
      });

      it('refuses a deep object inside an otherwise valid body with 400', async function () {
        const deep = `${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`;
        const body = JSON.stringify(lowIncomeBody(newIdNumber())).replace(/}$/, `,"extra":${deep}}`);
        const r = await api('POST', '/api/v1/certificates', { token: issuer, raw: body, headers: { 'idempotency-key': randomUUID() } });
        expectProblem(r, 400, 'VALIDATION_FAILED');
        expect(r.body.detail).to.match(/nest/);
      });

      it('accepts brackets and escaped quotes inside string literals', async function () {
        const credential = `${'[{'.repeat(5000)}\\"${'["\\'.repeat(1000)}`;
        const r = await api('POST', '/api/v1/verify', { body: { credential } });
        expect(r.status, r.text.slice(0, 300)).to.equal(200);
        expect(r.body.valid).to.equal(false);
        const c = await api('POST', '/api/v1/certificates', {
          token: issuer,
          body: lowIncomeBody(newIdNumber(), { claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: `[[[[{{{{"\\${'['.repeat(40)}` } }),
        });
        expect(c.status, c.text.slice(0, 300)).to.equal(201);
      });
    });

    describe('error answers stay small', function () {
      /** Small enough to log and show; what the gateway is asked to echo must not make the answer grow with it. */
      const SMALL = 16 * 1024;
      const issue = (raw: string) => api('POST', '/api/v1/certificates', { token: issuer, raw, headers: { 'idempotency-key': randomUUID() } });

      /** An issue request with `count` extra claim fields (or as many as fit in `limit` bytes), as JSON text. */
      function extraClaims(count: number, limit = Infinity): { raw: string; fields: number } {
        const body = JSON.stringify(lowIncomeBody(newIdNumber()));
        const head = body.slice(0, body.indexOf('"region"'));
        const tail = body.slice(body.indexOf('"region"'));
        const parts: string[] = [];
        let size = Buffer.byteLength(body);
        for (let i = 0; i < count; i++) {
          const field = `"x${i.toString(36)}":0,`;
          if (size + field.length > limit) break;
          parts.push(field);
          size += field.length;
        }
        return { raw: head + parts.join('') + tail, fields: parts.length };
      }

      it('answers 250,000 extra claim fields with a short 400 (or a short 413 and then the most that fit)', async function () {
        const all = extraClaims(250_000);
        const r = await issue(all.raw);
        expect(r.text.length, `answer to ${all.raw.length} bytes`).to.be.below(SMALL);
        if (all.raw.length <= h.bodyLimitBytes) {
          expectProblem(r, 400, 'VALIDATION_FAILED');
          return;
        }
        expectProblem(r, 413, 'PAYLOAD_TOO_LARGE');
        const most = extraClaims(250_000, h.bodyLimitBytes);
        expect(most.fields).to.be.above(50_000);
        const m = await issue(most.raw);
        expectProblem(m, 400, 'VALIDATION_FAILED');
        expect(m.text.length, `answer to ${most.fields} extra fields`).to.be.below(SMALL);
        expect(m.body.detail).to.match(/claims do not match/);
        expect(m.body.detail).to.include(`; and ${most.fields - 20} more`);
      });

      it('answers one extra claim field with a 100 KB name with a short 400', async function () {
        const name = 'n'.repeat(100 * 1024);
        const body = lowIncomeBody(newIdNumber(), { claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: '北京市东城区', [name]: 1 } });
        const r = await issue(JSON.stringify(body));
        expectProblem(r, 400, 'VALIDATION_FAILED');
        expect(r.text.length).to.be.below(SMALL);
      });
    });

    describe('content types', function () {
      it('answers a body that is not JSON with 415', async function () {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/csv; charset=utf-8', 'application/xml', 'multipart/form-data; boundary=x']) {
          const r = await api('POST', '/api/v1/verify', { raw: 'credential=abc', headers: { 'content-type': type } });
          expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
        }
        const issue = await api('POST', '/api/v1/certificates', { token: issuer, raw: JSON.stringify(lowIncomeBody(newIdNumber())), headers: { 'content-type': 'text/plain' } });
        expectProblem(issue, 415, 'UNSUPPORTED_MEDIA_TYPE');
      });

      it('answers a body without a content type with 415', async function () {
        const res = await fetch(`${h.baseUrl}/api/v1/verify`, { method: 'POST', body: Buffer.from('{"credential":"x"}') });
        expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(res.status).to.equal(415);
        expect(((await res.json()) as { code: string }).code).to.equal('UNSUPPORTED_MEDIA_TYPE');
      });

      it('answers a charset other than UTF-8 with 415', async function () {
        const r = await api('POST', '/api/v1/verify', { raw: '{"credential":"x"}', headers: { 'content-type': 'application/json; charset=latin1' } });
        expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
      });

      it('accepts application/json and application/*+json, with or without a charset', async function () {
        for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/vnd.civic+json', 'application/merge-patch+json; charset=utf-8']) {
          const r = await api('POST', '/api/v1/verify', { body: { credential: 'a.b.c' }, headers: { 'content-type': type } });
          expect(r.status, `${type}: ${r.text}`).to.equal(200);
        }
      });

      it('still accepts a POST without a body and without a content type', async function () {
        const r = await api('POST', '/api/v1/issuers/keys/rotate', { token: admin });
        expect(r.status, r.text).to.equal(201);
        // fetch sends Content-Length: 0; curl -X POST sends no length at all.
        expect(await rawStatus(h.baseUrl, ['POST /api/v1/issuers/keys/rotate HTTP/1.1', `Authorization: Bearer ${admin}`])).to.equal(201);
      });

      it('answers a chunked body that is not JSON with 415', async function () {
        const status = await rawStatus(h.baseUrl, ['POST /api/v1/verify HTTP/1.1', 'Content-Type: text/plain', 'Transfer-Encoding: chunked'], '3\r\nabc\r\n0\r\n\r\n');
        expect(status).to.equal(415);
      });

      it('still answers unparseable JSON with 400', async function () {
        expectProblem(await api('POST', '/api/v1/verify', { raw: 'credential=abc' }), 400, 'VALIDATION_FAILED');
      });
    });

    describe('tokens that name Object.prototype members', function () {
      const claims = (org: string, roles: string[] = ['auditor']): TokenClaims => ({ sub: 'mallory', org: org as TokenClaims['org'], roles });

      it('answers an org of toString, __proto__, constructor or hasOwnProperty with 401', async function () {
        for (const org of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
          const token = await h.token(claims(org));
          expectProblem(await api('GET', '/api/v1/certificates/x', { token }), 401, 'UNAUTHENTICATED');
          expectProblem(await api('GET', '/api/v1/certificates?limit=1', { token }), 401, 'UNAUTHENTICATED');
        }
      });

      it('answers roles named after Object.prototype members with 401', async function () {
        for (const role of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
          const token = await h.token(claims('audit', [role]));
          expectProblem(await api('GET', '/api/v1/certificates?limit=1', { token }), 401, 'UNAUTHENTICATED');
        }
      });
    });

    describe('token lifetime', function () {
      const who: TokenClaims = { sub: 'auditor2', org: 'audit', roles: ['auditor'] };

      it('refuses a token that lives 13 hours with 401', async function () {
        const token = await h.token(who, { ttlSeconds: 13 * 3600 });
        const r = await api('GET', '/api/v1/certificates?limit=1', { token });
        expectProblem(r, 401, 'UNAUTHENTICATED');
        expect(r.body.detail).to.match(/lifetime/);
      });

      it('accepts a token that lives 11 hours', async function () {
        const token = await h.token(who, { ttlSeconds: 11 * 3600 });
        const r = await api('GET', '/api/v1/certificates?limit=1', { token });
        expect(r.status, r.text).to.equal(200);
      });
    });
  });
}
