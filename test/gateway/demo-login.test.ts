import { expect } from 'chai';
import { demoLoginAllowed, isLoopbackAddress, listensOnLoopbackOnly } from '../../gateway/src/auth/demo-users';
import { loadConfig } from '../../gateway/src/config';
import { expectProblem } from '../conformance/certificates';
import { startGateway } from '../support/gateway-harness';
import { client } from '../support/http';

describe('portal demo login', function () {
  describe('the decision', function () {
    const base = loadConfig({ CIVIC_DATA_DIR: '/tmp/unused', HOST: '127.0.0.1' });
    const local = { remoteAddress: '127.0.0.1', forwarded: false };

    it('allows it only when every condition holds', function () {
      expect(demoLoginAllowed(base, local)).to.equal(true);
      expect(demoLoginAllowed(base, { remoteAddress: '::ffff:127.0.0.1', forwarded: false })).to.equal(true);
      expect(demoLoginAllowed({ ...base, host: '::1' }, { remoteAddress: '::1', forwarded: false })).to.equal(true);
    });

    it('refuses it on the Fabric ledger', function () {
      expect(demoLoginAllowed({ ...base, ledger: 'fabric' }, local)).to.equal(false);
    });

    it('refuses it when the service listens beyond loopback', function () {
      for (const host of ['0.0.0.0', '::', '10.0.0.5', 'gateway.example.org']) {
        expect(demoLoginAllowed({ ...base, host }, local), host).to.equal(false);
      }
    });

    it('refuses a caller from another machine, or one relayed by a proxy', function () {
      for (const remoteAddress of ['10.0.0.9', '::ffff:192.168.1.2', 'fe80::1', undefined]) {
        expect(demoLoginAllowed(base, { remoteAddress, forwarded: false }), String(remoteAddress)).to.equal(false);
      }
      expect(demoLoginAllowed(base, { remoteAddress: '127.0.0.1', forwarded: true })).to.equal(false);
    });

    it('refuses it when an external identity provider signs the tokens (AUTH_JWKS_URL)', function () {
      expect(demoLoginAllowed({ ...base, auth: { ...base.auth, jwksUrl: 'https://idp.example.org/jwks' } }, local)).to.equal(false);
    });

    it('knows loopback addresses and listeners', function () {
      expect(isLoopbackAddress('127.8.9.10')).to.equal(true);
      expect(isLoopbackAddress('128.0.0.1')).to.equal(false);
      expect(listensOnLoopbackOnly('localhost')).to.equal(true);
      expect(listensOnLoopbackOnly('localhost.example.org')).to.equal(false);
    });
  });

  describe('over HTTP', function () {
    it('mints a working token per role for a local caller of a local development gateway', async function () {
      const g = await startGateway();
      try {
        const api = client(g.baseUrl);
        expect((await api('GET', '/api/v1/portal')).body).to.include({ ledger: 'embedded', demoLogin: true });
        const r = await api('POST', '/api/v1/dev/token', { body: { role: 'issuer' } });
        expect(r.status, r.text).to.equal(200);
        expect(r.body.claims).to.deep.equal({ sub: 'demo-issuer', org: 'civil', roles: ['issuer', 'verifier'] });
        expect((await api('GET', '/api/v1/certificates?limit=1', { token: r.body.token })).status).to.equal(200);
        expectProblem(await api('POST', '/api/v1/dev/token', { body: { role: 'root' } }), 400, 'VALIDATION_FAILED');
        // A charity user needs a charity: none yet, then the first one registered.
        expectProblem(await api('POST', '/api/v1/dev/token', { body: { role: 'charity' } }), 400, 'VALIDATION_FAILED');
        const registrar = (await api('POST', '/api/v1/dev/token', { body: { role: 'registrar' } })).body.token as string;
        const c = await api('POST', '/api/v1/charities', { token: registrar, body: { id: 'demo-ch', name: '示例慈善会', creditCode: '53100000500021676K', publicFundraising: true } });
        expect(c.status, c.text).to.equal(201);
        const staff = await api('POST', '/api/v1/dev/token', { body: { role: 'charity' } });
        expect(staff.body.claims).to.include({ org: 'charity', charity: 'demo-ch' });
        expect((await api('GET', '/api/v1/charities/demo-ch/projects', { token: staff.body.token })).status).to.equal(200);
      } finally {
        await g.close();
      }
    });

    it('answers 404 to a request relayed by a proxy', async function () {
      const g = await startGateway();
      try {
        const api = client(g.baseUrl);
        const headers = { 'x-forwarded-for': '203.0.113.7' };
        expectProblem(await api('POST', '/api/v1/dev/token', { body: { role: 'admin' }, headers }), 404, 'NOT_FOUND');
        expect((await api('GET', '/api/v1/portal', { headers })).body.demoLogin).to.equal(false);
      } finally {
        await g.close();
      }
    });

    it('answers 404 when the gateway is configured to listen beyond loopback', async function () {
      const g = await startGateway({ HOST: '0.0.0.0' });
      try {
        const api = client(g.baseUrl);
        expectProblem(await api('POST', '/api/v1/dev/token', { body: { role: 'admin' } }), 404, 'NOT_FOUND');
        expect((await api('GET', '/api/v1/portal')).body.demoLogin).to.equal(false);
      } finally {
        await g.close();
      }
    });

    it('answers 404 when tokens come from an identity provider (AUTH_JWKS_URL)', async function () {
      const g = await startGateway({ AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json', AUTH_ISSUER: 'https://idp.example.org', AUTH_AUDIENCE: 'civic-ledger' });
      try {
        const api = client(g.baseUrl);
        expectProblem(await api('POST', '/api/v1/dev/token', { body: { role: 'admin' } }), 404, 'NOT_FOUND');
        expect((await api('GET', '/api/v1/portal')).body.demoLogin).to.equal(false);
      } finally {
        await g.close();
      }
    });
  });
});
