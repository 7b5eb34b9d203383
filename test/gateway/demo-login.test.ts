import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { demoLoginAllowed, isLoopbackAddress, isOwnLoopbackHost, isOwnLoopbackOrigin, listensOnLoopbackOnly } from '../../gateway/src/auth/demo-users';
import { loadConfig } from '../../gateway/src/config';
import { expectProblem } from '../conformance/certificates';
import { startGateway } from '../support/gateway-harness';
import { client } from '../support/http';

/** An answer as Node's http client reads it. */
interface RawReply {
  status: number;
  contentType: string | undefined;
  body: any;
}

/**
 * One request with exactly these headers, Host included: fetch replaces Host
 * with the URL's, and a DNS-rebinding page's request carries its own name.
 */
function rawRequest(address: string, port: number, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<RawReply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const all: Record<string, string> = payload === undefined ? { ...headers } : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: address, port, method, path, headers: all, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON; the assertions say so.
        }
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Whether this machine can listen on ::1 (some containers have no IPv6 loopback). */
function canListenOnIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

describe('portal demo login', function () {
  describe('the decision', function () {
    const base = loadConfig({ CIVIC_DATA_DIR: '/tmp/unused', HOST: '127.0.0.1' });
    const local = { remoteAddress: '127.0.0.1', forwarded: false, host: '127.0.0.1:8080', origin: undefined, localPort: 8080 };

    it('allows it only when every condition holds', function () {
      expect(demoLoginAllowed(base, local)).to.equal(true);
      expect(demoLoginAllowed(base, { ...local, remoteAddress: '::ffff:127.0.0.1' })).to.equal(true);
      expect(demoLoginAllowed({ ...base, host: '::1' }, { ...local, remoteAddress: '::1', host: '[::1]:8080', origin: 'http://[::1]:8080' })).to.equal(true);
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
        expect(demoLoginAllowed(base, { ...local, remoteAddress }), String(remoteAddress)).to.equal(false);
      }
      expect(demoLoginAllowed(base, { ...local, forwarded: true })).to.equal(false);
    });

    it('reads Host and Origin as a browser sends them: no port is http\'s default, 80', function () {
      expect(isOwnLoopbackHost('localhost', 80)).to.equal(true);
      expect(isOwnLoopbackHost('localhost:80', 80)).to.equal(true);
      expect(isOwnLoopbackHost('localhost', 8080)).to.equal(false);
      expect(isOwnLoopbackHost('localhost:8080', undefined)).to.equal(false);
      expect(isOwnLoopbackHost('[::1]:8080', 8080)).to.equal(true);
      expect(isOwnLoopbackHost('[::ffff:127.0.0.1]:8080', 8080)).to.equal(false);
      expect(isOwnLoopbackHost('localhost:99999', 99999)).to.equal(false);
      expect(isOwnLoopbackOrigin('http://localhost', 80)).to.equal(true);
      expect(isOwnLoopbackOrigin('http://localhost:8080', 8080)).to.equal(true);
      expect(isOwnLoopbackOrigin('http://localhost:8080/', 8080), 'an origin has no path').to.equal(false);
      expect(isOwnLoopbackOrigin('http://user@localhost:8080', 8080)).to.equal(false);
      expect(isOwnLoopbackOrigin('null', 8080)).to.equal(false);
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

    describe('refuses a request a web page or a proxy could make', function () {
      let g: Awaited<ReturnType<typeof startGateway>>;
      let port: number;
      /** The answer a path the gateway does not have gets, which the refused demo login must equal. */
      const notFound = () => ({ status: 404, code: 'NOT_FOUND', detail: 'no route for POST /api/v1/dev/token' });

      before(async function () {
        g = await startGateway();
        port = Number(new URL(g.baseUrl).port);
      });
      after(async function () {
        await g.close();
      });

      const token = (headers: Record<string, string>) => rawRequest('127.0.0.1', port, 'POST', '/api/v1/dev/token', headers, { role: 'admin' });
      const portal = (headers: Record<string, string>) => rawRequest('127.0.0.1', port, 'GET', '/api/v1/portal', headers);

      async function expectRefused(headers: Record<string, string>): Promise<void> {
        const r = await token(headers);
        expect(r.status, JSON.stringify(r.body)).to.equal(404);
        expect(r.contentType).to.match(/^application\/problem\+json/);
        expect(r.body).to.include(notFound());
        expect(r.body).to.not.have.property('token');
        const info = await portal(headers);
        expect(info.status).to.equal(200);
        expect(info.body.demoLogin, 'the portal offers no demo login either').to.equal(false);
      }

      it('answers a refused demo login exactly like a path the gateway does not have', async function () {
        const refused = await token({ host: `evil.example:${port}` });
        const missing = await rawRequest('127.0.0.1', port, 'POST', '/api/v1/dev/token-that-does-not-exist', { host: `127.0.0.1:${port}` }, { role: 'admin' });
        expect(refused.status).to.equal(missing.status);
        expect(refused.contentType).to.equal(missing.contentType);
        expect({ ...refused.body, detail: undefined }).to.deep.equal({ ...missing.body, detail: undefined });
        expect(refused.body.detail).to.equal(String(missing.body.detail).replace('/token-that-does-not-exist', '/token'));
      });

      it('refuses a DNS-rebinding page: a foreign name in Host', async function () {
        await expectRefused({ host: `evil.example:${port}` });
        await expectRefused({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` });
        await expectRefused({ host: `127.0.0.1.evil.example:${port}` });
        await expectRefused({ host: `localhost.evil.example:${port}` });
        // Not every resolver keeps *.localhost on this machine, so it is a foreign name here.
        await expectRefused({ host: `rebind.localhost:${port}` });
      });

      it('refuses a loopback Host with another port, or with none', async function () {
        await expectRefused({ host: `localhost:${port === 65535 ? port - 1 : port + 1}` });
        await expectRefused({ host: `127.0.0.1:${port === 65535 ? port - 1 : port + 1}` });
        await expectRefused({ host: 'localhost' });
        await expectRefused({ host: '127.0.0.1' });
        await expectRefused({ host: `localhost:${port}x` });
        await expectRefused({ host: `localhost:0${port}` });
        await expectRefused({ host: `localhost:${port}@evil.example` });
      });

      it('refuses a request without a Host (HTTP/1.0; Node refuses an HTTP/1.1 one itself)', async function () {
        const body = JSON.stringify({ role: 'admin' });
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => {
            socket.end(`POST /api/v1/dev/token HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
          });
          const chunks: Buffer[] = [];
          socket.on('data', (c: Buffer) => chunks.push(c));
          socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          socket.on('error', reject);
        });
        expect(answer).to.match(/^HTTP\/1\.[01] 404 /);
        expect(answer).to.not.include('"token"');
      });

      it('refuses a foreign Origin, and Origin: null', async function () {
        const host = `localhost:${port}`;
        for (const origin of [
          'http://evil.example',
          `http://evil.example:${port}`,
          `https://localhost:${port}`,
          `http://localhost:${port === 65535 ? port - 1 : port + 1}`,
          'http://localhost',
          `http://rebind.localhost:${port}`,
          'null',
          'garbage',
        ]) {
          await expectRefused({ host, origin });
        }
      });

      // Every header a proxy or CDN adds to say who the caller is or how it came: any of them means the
      // socket's loopback address is the proxy's, and the caller may be anyone.
      const PROXY_HEADERS: ReadonlyArray<[string, string]> = [
        ['forwarded', 'for=203.0.113.7;proto=https'],
        ['x-forwarded-for', '203.0.113.7'],
        ['x-forwarded-host', 'civic.example.org'],
        ['x-forwarded-proto', 'https'],
        ['x-forwarded-port', '443'],
        ['x-forwarded-server', 'proxy.example.org'],
        ['x-forwarded-prefix', '/civic'],
        ['x-forwarded-ssl', 'on'],
        ['x-forwarded', 'for=203.0.113.7'],
        ['forwarded-for', '203.0.113.7'],
        ['x-original-forwarded-for', '203.0.113.7'],
        ['x-real-ip', '203.0.113.7'],
        ['x-client-ip', '203.0.113.7'],
        ['client-ip', '203.0.113.7'],
        ['true-client-ip', '203.0.113.7'],
        ['cf-connecting-ip', '203.0.113.7'],
        ['cf-connecting-ipv6', '2001:db8::7'],
        ['cf-pseudo-ipv4', '203.0.113.7'],
        ['fastly-client-ip', '203.0.113.7'],
        ['x-cluster-client-ip', '203.0.113.7'],
        ['x-originating-ip', '203.0.113.7'],
        ['x-remote-ip', '203.0.113.7'],
        ['x-remote-addr', '203.0.113.7'],
        ['x-proxyuser-ip', '203.0.113.7'],
        ['x-envoy-external-address', '203.0.113.7'],
        ['x-appengine-user-ip', '203.0.113.7'],
        ['x-azure-clientip', '203.0.113.7'],
        ['x-azure-socketip', '203.0.113.7'],
        ['x-original-host', 'civic.example.org'],
        ['cdn-loop', 'cloudflare'],
        ['via', '1.1 proxy.example.org'],
      ];
      for (const [name, value] of PROXY_HEADERS) {
        it(`refuses a request relayed by a proxy: ${name}`, async function () {
          await expectRefused({ host: `localhost:${port}`, [name]: value });
          // Header names are case-insensitive; an empty value still says a proxy was there.
          await expectRefused({ host: `127.0.0.1:${port}`, [name.toUpperCase()]: '' });
        });
      }
    });

    describe('answers the portal opened on this machine', function () {
      let g: Awaited<ReturnType<typeof startGateway>>;
      let port: number;
      before(async function () {
        g = await startGateway();
        port = Number(new URL(g.baseUrl).port);
      });
      after(async function () {
        await g.close();
      });

      async function expectToken(address: string, listening: number, headers: Record<string, string>): Promise<void> {
        const r = await rawRequest(address, listening, 'POST', '/api/v1/dev/token', headers, { role: 'auditor' });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        expect(r.body.claims).to.deep.equal({ sub: 'demo-auditor', org: 'audit', roles: ['auditor'] });
        const info = await rawRequest(address, listening, 'GET', '/api/v1/portal', { host: headers.host });
        expect(info.body.demoLogin).to.equal(true);
      }

      it('at http://localhost:<port>/ and http://127.0.0.1:<port>/, as the login page calls it', async function () {
        for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LocalHost:${port}`, `127.8.9.10:${port}`]) {
          await expectToken('127.0.0.1', port, { host });
          // A browser's fetch from the login page sends the page's origin on POST.
          await expectToken('127.0.0.1', port, { host, origin: `http://${host}` });
        }
        await expectToken('127.0.0.1', port, { host: `localhost:${port}`, origin: `http://127.0.0.1:${port}` });
      });

      it('at http://[::1]:<port>/ when the gateway listens on ::1', async function () {
        if (!(await canListenOnIpv6Loopback())) {
          // Some containers have no IPv6 loopback; there is nothing to listen on.
          this.skip();
        }
        const v6 = g.service.app.listen(0, '::1');
        await new Promise<void>((resolve) => v6.once('listening', () => resolve()));
        try {
          const v6port = (v6.address() as AddressInfo).port;
          await expectToken('::1', v6port, { host: `[::1]:${v6port}` });
          await expectToken('::1', v6port, { host: `[::1]:${v6port}`, origin: `http://[::1]:${v6port}` });
          // The port is the one this socket listens on, not the configured or another listener's.
          const other = await rawRequest('::1', v6port, 'POST', '/api/v1/dev/token', { host: `[::1]:${port}` }, { role: 'admin' });
          expect(other.status).to.equal(404);
        } finally {
          v6.closeAllConnections();
          await new Promise<void>((resolve) => v6.close(() => resolve()));
        }
      });
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
