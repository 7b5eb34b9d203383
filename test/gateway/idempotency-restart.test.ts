import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { client } from '../support/http';
import { tempDir } from '../support/gateway-harness';
import { startGatewayProcess, stopProcess } from '../support/process';

describe('idempotency across a restart', function () {
  this.timeout(60_000);

  it('answers a retry after a SIGKILL and restart with the first answer, without writing again', async function () {
    const dataDir = await tempDir('civic-idem-');
    try {
      let gw = await startGatewayProcess(dataDir);
      const key = await loadDevKey(dataDir);
      const opts = { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 };
      const token = await signDevToken(key, { sub: 'clerk1', org: 'civil', roles: ['issuer'] }, opts);
      const body = lowIncomeBody(newIdNumber());
      const headers = { 'idempotency-key': randomUUID() };
      const first = await client(gw.baseUrl)('POST', '/api/v1/certificates', { token, body, headers });
      expect(first.status).to.equal(201);
      await stopProcess(gw.child, 'SIGKILL');

      gw = await startGatewayProcess(dataDir);
      const api = client(gw.baseUrl);
      const retry = await api('POST', '/api/v1/certificates', { token, body, headers });
      expect(retry.status).to.equal(201);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      expect(retry.body).to.deep.equal(first.body);
      const verifier = await signDevToken(key, { sub: 'v', org: 'audit', roles: ['verifier'] }, opts);
      const held = await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber: body.holder.idNumber } } });
      expect(held.body.items).to.have.length(1);
      await stopProcess(gw.child);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
