import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { ledgers } from '../../gateway/src/ledger';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { client } from '../support/http';
import { tempDir } from '../support/gateway-harness';
import { until } from '../support/poll';
import { startGatewayProcess, stopProcess } from '../support/process';

describe('crash safety', function () {
  this.timeout(120_000);

  it('keeps every certificate that got a 201 when the service is SIGKILLed during concurrent issuance', async function () {
    const dataDir = await tempDir('civic-crash-');
    try {
      let gw = await startGatewayProcess(dataDir);
      const key = await loadDevKey(dataDir);
      const token = await signDevToken(key, { sub: 'clerk1', org: 'civil', roles: ['issuer'] }, { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 });
      const api = client(gw.baseUrl);
      const committed: Array<{ id: string; credential: string }> = [];
      let killed = false;
      const worker = async (): Promise<void> => {
        while (!killed) {
          try {
            const r = await api('POST', '/api/v1/certificates', { token, body: lowIncomeBody(newIdNumber()) });
            if (r.status === 201) committed.push({ id: r.body.id, credential: r.body.credential });
          } catch {
            // a request cut by the kill has no answer: only acknowledged ones are checked
          }
        }
      };
      const workers = Array.from({ length: 16 }, () => worker());
      // If the gateway never gets there, the workers are stopped too, so that none keeps calling a dead port.
      await until(() => committed.length >= 200, '200 acknowledged certificates', 60_000).catch(async (err: unknown) => {
        killed = true;
        await Promise.all(workers);
        throw err;
      });
      gw.child.kill('SIGKILL');
      killed = true;
      await Promise.all(workers);
      await new Promise<void>((r) => (gw.child.exitCode !== null || gw.child.signalCode !== null ? r() : gw.child.once('exit', () => r())));
      expect(gw.child.signalCode).to.equal('SIGKILL');

      const acknowledged = [...committed];
      gw = await startGatewayProcess(dataDir);
      const api2 = client(gw.baseUrl);
      const auditor = await signDevToken(key, { sub: 'aud', org: 'audit', roles: ['auditor'] }, { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 });
      for (const c of acknowledged) {
        const rec = await api2('GET', `/api/v1/certificates/${c.id}`, { token: auditor });
        expect(rec.status, `certificate ${c.id} acknowledged with 201 is missing`).to.equal(200);
        const v = await api2('POST', '/api/v1/verify', { body: { credential: c.credential } });
        expect(v.body.valid, JSON.stringify(v.body.checks)).to.equal(true);
      }
      await stopProcess(gw.child);

      const ledger = await ledgers.embedded({ dataDir });
      try {
        const chain = await ledger.verifyChain();
        expect(chain.ok).to.equal(true);
        expect(chain.checkedBlocks).to.equal(chain.height);
      } finally {
        await ledger.close();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
