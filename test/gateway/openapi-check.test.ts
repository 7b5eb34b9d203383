import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { startEmbedded } from '../support/gateway-harness';
import { client } from '../support/http';
import { ContractViolation, contractClient, servedChecker, type Answer, type OpenApiChecker } from '../support/openapi-check';

use(chaiAsPromised);

const json = (method: string, path: string, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): Answer => ({
  method,
  path,
  status,
  contentType,
  text: JSON.stringify(body),
  body,
});

describe('the OpenAPI answer checker', function () {
  let h: Awaited<ReturnType<typeof startEmbedded>>;
  let checker: OpenApiChecker;
  before(async () => {
    h = await startEmbedded();
    checker = await servedChecker(h.baseUrl);
  });
  after(async () => h?.close());

  it('accepts the answers the gateway really gives', async function () {
    const call = client(h.baseUrl);
    for (const path of ['/healthz', '/api/v1/certificate-types', '/api/v1/issuers']) {
      const r = await call('GET', path);
      expect(checker.check({ method: 'GET', path, status: r.status, contentType: r.headers.get('content-type'), text: r.text, body: r.body }), path).to.deep.equal([]);
    }
    const missing = await call('GET', '/api/v1/certificates/nope', { token: await h.token({ sub: 'a', org: 'audit', roles: ['auditor'] }) });
    expect(missing.status).to.equal(404);
    expect(checker.check({ method: 'GET', path: '/api/v1/certificates/nope', status: 404, contentType: missing.headers.get('content-type'), text: missing.text, body: missing.body })).to.deep.equal([]);
  });

  it('matches literal path segments before parameters', function () {
    expect(checker.matchPath('/api/v1/certificates/search')).to.equal('/api/v1/certificates/search');
    expect(checker.matchPath('/api/v1/certificates/abc?x=1')).to.equal('/api/v1/certificates/{id}');
    expect(checker.matchPath('/api/v1/certificates/abc/extra/more')).to.equal(undefined);
  });

  it('refuses a body that fails the response schema, naming the operation, status and Ajv errors', function () {
    const faults = checker.check(json('GET', '/api/v1/certificates/c1', 200, { id: 'c1', type: 'marriage-registration', status: 'lost', extra: 1 }));
    expect(faults).to.have.length(1);
    expect(faults[0]).to.include('GET /api/v1/certificates/{id} → 200');
    expect(faults[0]).to.include("must have required property 'holderRef'");
    expect(faults[0]).to.include('must be equal to one of the allowed values');
    expect(faults[0]).to.include('"additionalProperty":"extra"');
  });

  it('refuses a problem without its code, and a problem sent as plain JSON', function () {
    const problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such certificate' };
    expect(checker.check(json('GET', '/api/v1/certificates/c1', 404, problem, 'application/problem+json'))[0]).to.include("must have required property 'code'");
    expect(checker.check(json('GET', '/api/v1/certificates/c1', 404, { ...problem, code: 'CERT_NOT_FOUND' }))[0]).to.include("media type 'application/json' is not among the documented ones");
    // Extension members stay allowed.
    expect(checker.check(json('GET', '/api/v1/certificates/c1', 404, { ...problem, code: 'CERT_NOT_FOUND', errors: [] }, 'application/problem+json'))).to.deep.equal([]);
  });

  it('refuses an undocumented status, path or method', function () {
    expect(checker.check(json('GET', '/healthz', 418, {}))[0]).to.include('GET /healthz → 418: status 418 is not among the documented ones');
    expect(checker.check(json('GET', '/api/v1/nowhere', 404, {}))[0]).to.include('no path of the document matches /api/v1/nowhere');
    expect(checker.check(json('DELETE', '/api/v1/certificates/c1', 200, {}))[0]).to.include('the document has no DELETE operation on /api/v1/certificates/{id}');
  });

  it('makes a contract client call fail on an answer the document does not describe, unless it is marked off contract', async function () {
    const api = contractClient(h.baseUrl);
    await expect(api('GET', '/api/v1/nowhere')).to.be.rejectedWith(ContractViolation, 'GET /api/v1/nowhere → 404');
    expect((await api('GET', '/api/v1/nowhere', { offContract: 'a path no route serves' })).status).to.equal(404);
    expect((await api('GET', '/healthz')).status).to.equal(200);
  });
});
