import { expect } from 'chai';
import { CodedError } from '../../chaincode/src/errors';
import { ConfigError, loadConfig } from '../../gateway/src/config';
import { submitWithRetry, type Committed, type Ledger } from '../../gateway/src/ledger';
import type { SigningIdentity } from '../../network/pki/types';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startEmbedded } from '../support/gateway-harness';
import { client, type Call } from '../support/http';
import { sample, until } from '../support/poll';

type Gateway = Awaited<ReturnType<typeof startEmbedded>>;

/** A log sink for one gateway: the JSON lines it wrote, in order. */
function logSink() {
  const lines: string[] = [];
  return {
    lines,
    stream: { write: (line: string) => void lines.push(line) },
    text: () => lines.join(''),
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('observability', function () {
  let h: Gateway;
  let api: Call;
  let issuer: string;
  const sink = logSink();

  before(async function () {
    h = await startEmbedded({}, { logStream: sink.stream });
    api = client(h.baseUrl);
    issuer = await h.token({ sub: 'clerk1', org: 'civil', roles: ['issuer'] });
  });
  after(async () => h?.close());

  const metricsText = async (call: Call = api, token?: string): Promise<string> => {
    const r = await call('GET', '/metrics', { token });
    expect(r.status, r.text).to.equal(200);
    return r.text;
  };

  describe('logs', function () {
    it('logs an issuance with route pattern, txId and request id, and no ID number, name, token or credential', async function () {
      const idNumber = newIdNumber();
      const name = '欧阳明远';
      const r = await api('POST', '/api/v1/certificates', {
        token: issuer,
        body: lowIncomeBody(idNumber, { holder: { idNumber, name } }),
        headers: { 'x-request-id': 'obs-issue-1' },
      });
      expect(r.status, r.text).to.equal(201);
      expect(r.headers.get('x-request-id')).to.equal('obs-issue-1');
      const txId = (r.body as { txId: string }).txId;
      const credential = (r.body as { credential: string }).credential;

      // The credential then goes through /verify, whose body must not be logged either.
      const v = await api('POST', '/api/v1/verify', { body: { credential, holder: { idNumber } } });
      expect(v.status, v.text).to.equal(200);

      await until(() => sink.parsed().some((l) => l.reqId === 'obs-issue-1'), 'the issuance line');
      await until(() => sink.text().includes('"route":"/api/v1/verify"'), 'the verify line');
      const line = sink.parsed().find((l) => l.reqId === 'obs-issue-1');
      expect(line).to.include({ level: 30, msg: 'request', method: 'POST', route: '/api/v1/certificates', status: 201, txId });
      expect(line).to.have.property('time').that.is.a('number');
      expect(line).to.have.property('ms').that.is.a('number');
      const text = sink.text();
      expect(text).to.include('route":"/api/v1/certificates"');
      expect(text).to.not.include(idNumber);
      expect(text).to.not.include(name);
      expect(text).to.not.include(issuer);
      expect(text).to.not.include(credential);
      expect(text).to.not.include(credential.split('.')[2]);
    });

    it('logs the route pattern of a path with an id, never the id', async function () {
      const id = 'obs-probe-id-4711';
      const r = await api('GET', `/api/v1/certificates/${id}`, { token: issuer, headers: { 'x-request-id': 'obs-by-id' } });
      expect(r.status).to.equal(404);
      await until(() => sink.parsed().some((l) => l.reqId === 'obs-by-id'), 'the lookup line');
      expect(sink.parsed().find((l) => l.reqId === 'obs-by-id')).to.include({ route: '/api/v1/certificates/:id', status: 404 });
      expect(sink.text()).to.not.include(id);
    });

    it('labels a path that matches no route (unmatched)', async function () {
      const r = await api('GET', '/api/v1/no/such/obs-secret-path', { headers: { 'x-request-id': 'obs-unmatched' } });
      expect(r.status).to.equal(404);
      await until(() => sink.parsed().some((l) => l.reqId === 'obs-unmatched'), 'the unmatched line');
      expect(sink.parsed().find((l) => l.reqId === 'obs-unmatched')).to.include({ route: '(unmatched)' });
      expect(sink.text()).to.not.include('obs-secret-path');
    });

    it('labels every portal page (portal), never with its path', async function () {
      const r = await api('GET', '/audit/donations/obs-portal-secret', { headers: { 'x-request-id': 'obs-portal' } });
      expect(r.status).to.equal(200);
      await until(() => sink.parsed().some((l) => l.reqId === 'obs-portal'), 'the portal line');
      expect(sink.parsed().find((l) => l.reqId === 'obs-portal')).to.include({ route: '(portal)' });
      expect(sink.text()).to.not.include('obs-portal-secret');
    });

    it('replaces an unsafe X-Request-Id with a generated one', async function () {
      const r = await api('GET', '/healthz', { headers: { 'x-request-id': 'has spaces and "quotes"' } });
      expect(r.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      const none = await api('GET', '/healthz');
      expect(none.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      expect(none.headers.get('x-request-id')).to.not.equal(r.headers.get('x-request-id'));
    });
  });

  describe('metrics', function () {
    it('exposes the service metrics on /metrics', async function () {
      h.service.ctx.metrics.setEventSubscribers(2);
      const text = await metricsText();
      for (const name of ['http_request_duration_seconds', 'civic_ledger_height', 'civic_ledger_submit_duration_seconds', 'civic_ledger_mvcc_retries_total', 'civic_verify_total', 'civic_events_subscribers', 'process_cpu_user_seconds_total']) {
        expect(text).to.match(new RegExp(`^# TYPE ${name} `, 'm'));
      }
      expect(sample(text, 'civic_ledger_height')).to.be.greaterThan(0);
      expect(sample(text, 'civic_events_subscribers')).to.equal(2);
      expect(sample(text, 'civic_ledger_submit_duration_seconds_count', { outcome: 'ok' })).to.be.greaterThan(0);
      expect(text).to.match(/civic_ledger_submit_duration_seconds_count\{[^}]*fn="certificates:[A-Za-z]+"/);
      expect(text).to.not.include('obs-probe-id-4711');
    });

    it('counts requests by route pattern, exactly', async function () {
      const labels = { method: 'GET', route: '/api/v1/certificate-types', status: '200' };
      const before = sample(await metricsText(), 'http_request_duration_seconds_count', labels) ?? 0;
      for (let i = 0; i < 3; i++) expect((await api('GET', '/api/v1/certificate-types')).status).to.equal(200);
      let after = 0;
      await until(async () => (after = sample(await metricsText(), 'http_request_duration_seconds_count', labels) ?? 0) >= before + 3, 'the count');
      expect(after).to.equal(before + 3);
    });

    it('counts a forged credential as failing its signature check', async function () {
      const labels = { valid: 'false', failed_check: 'signature' };
      const before = sample(await metricsText(), 'civic_verify_total', labels) ?? 0;
      const issued = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
      expect(issued.status).to.equal(201);
      const [hd, payload, sig] = (issued.body as { credential: string }).credential.split('.');
      const vc = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { credentialSubject: Record<string, unknown> };
      vc.credentialSubject.monthlyAllowanceFen = 9_999_999;
      const forged = `${hd}.${Buffer.from(JSON.stringify(vc)).toString('base64url')}.${sig}`;
      const v = await api('POST', '/api/v1/verify', { body: { credential: forged } });
      expect((v.body as { valid: boolean }).valid).to.equal(false);
      expect(sample(await metricsText(), 'civic_verify_total', labels)).to.equal(before + 1);
    });

    it('reports MVCC retries to the caller of submitWithRetry', async function () {
      let calls = 0;
      const ledger = {
        submit: async (): Promise<Committed> => {
          if (++calls < 3) throw new CodedError('MVCC_READ_CONFLICT', 'conflict');
          return { txId: 't', blockNumber: 1, payload: '{}' };
        },
      } as unknown as Ledger;
      const metrics = h.service.ctx.metrics;
      const before = sample(await metrics.registry.metrics(), 'civic_ledger_mvcc_retries_total') ?? 0;
      await submitWithRetry(ledger, {} as SigningIdentity, 'certificates:Issue', [], 5, () => metrics.mvccRetry());
      expect(sample(await metrics.registry.metrics(), 'civic_ledger_mvcc_retries_total')).to.equal(before + 2);
    });

    it('keeps two services apart: each has its own registry', async function () {
      const other = await startEmbedded();
      try {
        expect(other.service.ctx.metrics.registry).to.not.equal(h.service.ctx.metrics.registry);
        const labels = { method: 'GET', route: '/api/v1/certificate-types', status: '200' };
        expect(sample(await metricsText(client(other.baseUrl)), 'http_request_duration_seconds_count', labels)).to.equal(undefined);
      } finally {
        await other.close();
      }
    });

    it('asks for the bearer token when METRICS_TOKEN is set', async function () {
      const token = 'obs-metrics-token-0123456789';
      const g = await startEmbedded({ METRICS_TOKEN: token });
      try {
        const call = client(g.baseUrl);
        const none = await call('GET', '/metrics');
        expect(none.status).to.equal(401);
        expect(none.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect((await call('GET', '/metrics', { token: 'obs-metrics-token-0123456780' })).status).to.equal(401);
        expect((await call('GET', '/metrics', { token: await g.token({ sub: 'a', org: 'civil', roles: ['admin'] }) })).status).to.equal(401);
        expect(await metricsText(call, token)).to.match(/^# TYPE civic_ledger_height gauge$/m);
      } finally {
        await g.close();
      }
    });
  });

  describe('readiness', function () {
    it('is ready while the ledger answers, and 503 without an address once it is closed', async function () {
      const g = await startEmbedded();
      try {
        const call = client(g.baseUrl);
        const ok = await call('GET', '/readyz');
        expect(ok.status).to.equal(200);
        expect(ok.body).to.deep.include({ status: 'ready' });
        expect((ok.body as { ledger: { backend: string; height: number } }).ledger).to.include({ backend: 'embedded' });
        expect((ok.body as { ledger: { height: number } }).ledger.height).to.be.greaterThan(0);

        await g.service.ctx.ledger.close();
        const down = await call('GET', '/readyz');
        expect(down.status).to.equal(503);
        expect(down.headers.get('content-type')).to.match(/^application\/problem\+json/);
        const problem = down.body as { code: string; detail: string };
        expect(problem.code).to.equal('LEDGER_UNAVAILABLE');
        expect(problem.detail).to.not.match(/\d+\.\d+\.\d+\.\d+|localhost|:\d{2,5}\b|\//);
        expect(problem.detail).to.not.include(g.dataDir);
      } finally {
        await g.close().catch(() => {});
      }
    });
  });

  describe('configuration', function () {
    it('refuses LOG_LEVEL=nonsense with a line naming it', function () {
      expect(() => loadConfig({ CIVIC_DATA_DIR: '/tmp/x', LOG_LEVEL: 'nonsense' })).to.throw(ConfigError, /^LOG_LEVEL must be one of .*got 'nonsense'/);
      expect(loadConfig({ CIVIC_DATA_DIR: '/tmp/x' }).logLevel).to.equal('info');
      expect(loadConfig({ CIVIC_DATA_DIR: '/tmp/x', LOG_LEVEL: 'debug' }).logLevel).to.equal('debug');
    });

    it('refuses a short METRICS_TOKEN without echoing it', function () {
      expect(() => loadConfig({ CIVIC_DATA_DIR: '/tmp/x', METRICS_TOKEN: 'short-secret' }))
        .to.throw(ConfigError, /^METRICS_TOKEN must be/)
        .with.property('message')
        .that.does.not.include('short-secret');
    });
  });
});
