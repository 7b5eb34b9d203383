import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { sampleCreditCode } from '../../scripts/sample-ids';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { tempDir } from '../support/gateway-harness';
import { client } from '../support/http';
import { startGatewayProcess, stopProcess } from '../support/process';

/** Deletes the stored answers of the idempotency store, as a crash before they were written would have left it. */
async function dropStoredAnswers(location: string): Promise<void> {
  const db = new Level<string, unknown>(location, { valueEncoding: 'json' });
  const keys: string[] = [];
  for await (const k of db.keys({ gte: 'a:', lt: 'a;' })) keys.push(k);
  expect(keys.length).to.be.greaterThan(0);
  await db.batch(keys.map((key) => ({ type: 'del' as const, key })));
  await db.close();
}

describe('exactly once across a crash between commit and stored answer', function () {
  this.timeout(90_000);

  it('answers a retry with the record the first attempt wrote, and writes nothing twice', async function () {
    const dataDir = await tempDir('civic-once-');
    try {
      let gw = await startGatewayProcess(dataDir);
      const key = await loadDevKey(dataDir);
      const opts = { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 };
      const registrar = await signDevToken(key, { sub: 'reg', org: 'civil', roles: ['registrar'] }, opts);
      const staff = await signDevToken(key, { sub: 'staff', org: 'charity', roles: ['charity'], charity: 'once' }, opts);
      const issuer = await signDevToken(key, { sub: 'clerk', org: 'civil', roles: ['issuer', 'verifier'] }, opts);
      let api = client(gw.baseUrl);
      /** The crash: the gateway is killed, `lose` is done to its idempotency store, and it starts again on the same data. */
      const crash = async (lose: (store: string) => Promise<void>) => {
        await stopProcess(gw.child, 'SIGKILL');
        await lose(path.join(dataDir, 'gateway', 'idempotency'));
        gw = await startGatewayProcess(dataDir);
        api = client(gw.baseUrl);
      };
      expect((await api('POST', '/api/v1/charities', { token: registrar, body: { id: 'once', name: '一次基金会', creditCode: sampleCreditCode(), publicFundraising: false } })).status).to.equal(201);
      const project = { title: '助学', targetAmount: 100_000 };
      const donation = { projectId: '', amount: 500, donor: { anonymous: true } };
      const certificate = lowIncomeBody(newIdNumber());
      const p1 = await api('POST', '/api/v1/projects', { token: staff, body: project, headers: { 'idempotency-key': 'p-1' } });
      expect(p1.status).to.equal(201);
      donation.projectId = p1.body.id;
      const d1 = await api('POST', '/api/v1/donations', { token: staff, body: donation, headers: { 'idempotency-key': 'd-1' } });
      const c1 = await api('POST', '/api/v1/certificates', { token: issuer, body: certificate, headers: { 'idempotency-key': 'c-1' } });
      expect([d1.status, c1.status]).to.deep.equal([201, 201]);

      // The crash: the writes committed, but their answers were never stored (what was kept before submitting is there).
      await crash(dropStoredAnswers);

      const p2 = await api('POST', '/api/v1/projects', { token: staff, body: project, headers: { 'idempotency-key': 'p-1' } });
      expect(p2.status, JSON.stringify(p2.body)).to.equal(201);
      expect(p2.body).to.include({ id: p1.body.id, txId: p1.body.txId, blockNumber: p1.body.blockNumber });
      const d2 = await api('POST', '/api/v1/donations', { token: staff, body: donation, headers: { 'idempotency-key': 'd-1' } });
      expect(d2.status, JSON.stringify(d2.body)).to.equal(201);
      expect(d2.body).to.include({ id: d1.body.id, txId: d1.body.txId, blockNumber: d1.body.blockNumber });
      const after = await api('GET', `/api/v1/projects/${p1.body.id}`, { token: staff });
      expect(after.body).to.include({ raised: 500, donationCount: 1 });

      // The certificate's credential cannot be signed again identically: the one kept before submitting is the answer.
      const c2 = await api('POST', '/api/v1/certificates', { token: issuer, body: certificate, headers: { 'idempotency-key': 'c-1' } });
      expect(c2.status, JSON.stringify(c2.body)).to.equal(201);
      expect(c2.body).to.include({ id: c1.body.id, credential: c1.body.credential, txId: c1.body.txId, blockNumber: c1.body.blockNumber });
      expect(c2.body.record).to.deep.equal(c1.body.record);
      const held = await api('POST', '/api/v1/certificates/search', { token: issuer, body: { holder: { idNumber: certificate.holder.idNumber } } });
      expect(held.body.items.map((i: { id: string }) => i.id)).to.deep.equal([c1.body.id]);

      // The same for a batch.
      const batch = { items: [lowIncomeBody(newIdNumber()), lowIncomeBody(newIdNumber())] };
      const b1 = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: batch, headers: { 'idempotency-key': 'b-1' } });
      expect(b1.status).to.equal(201);
      await crash(dropStoredAnswers);
      const b2 = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: batch, headers: { 'idempotency-key': 'b-1' } });
      expect(b2.status, JSON.stringify(b2.body)).to.equal(201);
      expect(b2.body).to.deep.equal(b1.body);

      // With nothing kept (the whole store lost), no second certificate is issued either.
      const c3 = lowIncomeBody(newIdNumber());
      expect((await api('POST', '/api/v1/certificates', { token: issuer, body: c3, headers: { 'idempotency-key': 'c-3' } })).status).to.equal(201);
      await crash((store) => fs.rm(store, { recursive: true, force: true }));
      const again = await api('POST', '/api/v1/certificates', { token: issuer, body: c3, headers: { 'idempotency-key': 'c-3' } });
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal('DUPLICATE_ID');
      await stopProcess(gw.child);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
