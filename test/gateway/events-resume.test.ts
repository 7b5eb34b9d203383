import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startEmbedded, tempDir } from '../support/gateway-harness';
import { client } from '../support/http';
import { startGatewayProcess, stopProcess } from '../support/process';
import { openSse } from '../support/sse';
import { until } from '../support/poll';

describe('event stream across restarts and reconnects', function () {
  this.timeout(60_000);

  it('resumes after a gateway restart with exactly the events missed', async function () {
    const dataDir = await tempDir('civic-events-');
    try {
      let gw = await startGatewayProcess(dataDir);
      const key = await loadDevKey(dataDir);
      const opts = { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 };
      const issuer = await signDevToken(key, { sub: 'clerk1', org: 'civil', roles: ['issuer'] }, opts);
      const auditor = await signDevToken(key, { sub: 'aud1', org: 'audit', roles: ['auditor'] }, opts);
      const issue = async (baseUrl: string) => (await client(baseUrl)('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) })).body.id as string;
      const s = await openSse(`${gw.baseUrl}/api/v1/events?types=certificate.issued`, { authorization: `Bearer ${auditor}` });
      const first = await issue(gw.baseUrl);
      const [seen] = await s.waitFor((e) => JSON.parse(e.data).id === first);
      s.close();
      const missed = [await issue(gw.baseUrl), await issue(gw.baseUrl)];
      await stopProcess(gw.child);

      gw = await startGatewayProcess(dataDir);
      missed.push(await issue(gw.baseUrl));
      const again = await openSse(`${gw.baseUrl}/api/v1/events?types=certificate.issued&after=${seen.id}`, { authorization: `Bearer ${auditor}` });
      try {
        const got = await again.waitFor(() => true, 3);
        expect(got.map((e) => JSON.parse(e.data).id)).to.deep.equal(missed);
        // Nothing else is replayed: the next event the stream carries is a new one.
        const later = await issue(gw.baseUrl);
        const all = await again.waitFor(() => true, 4);
        expect(all.map((e) => JSON.parse(e.data).id)).to.deep.equal([...missed, later]);
      } finally {
        again.close();
        await stopProcess(gw.child);
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('leaves nothing behind after 200 connect and disconnect cycles', async function () {
    const h = await startEmbedded();
    try {
      const token = await h.token({ sub: 'aud1', org: 'audit', roles: ['auditor'] });
      for (let i = 0; i < 200; i++) {
        const s = await openSse(`${h.baseUrl}/api/v1/events`, { authorization: `Bearer ${token}` });
        expect(s.status).to.equal(200);
        s.close();
      }
      await until(() => h.service.ctx.state.eventStreams.size === 0, 'every closed stream to be released', 5000);
      expect(h.service.ctx.state.eventStreams.size).to.equal(0);
      expect((await client(h.baseUrl)('GET', '/metrics')).text).to.match(/^civic_events_subscribers 0$/m);
      const live = await openSse(`${h.baseUrl}/api/v1/events?types=certificate.issued`, { authorization: `Bearer ${token}` });
      const issuer = await h.token({ sub: 'clerk1', org: 'civil', roles: ['issuer'] });
      const r = await client(h.baseUrl)('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
      await live.waitFor((e) => JSON.parse(e.data).id === r.body.id);
      live.close();
    } finally {
      await h.close();
    }
  });
});
