import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadDevKey, signDevToken, type DevTokenClaims } from '../../gateway/src/auth/dev-key';
import { LedgerStore } from '../../network/devnet/ledger-store';
import { newIdNumber } from '../conformance/certificates';
import { tempDir } from '../support/gateway-harness';
import { client } from '../support/http';
import { startGatewayProcess, stopProcess } from '../support/process';

describe('donor and beneficiary privacy on chain', function () {
  this.timeout(60_000);

  it('writes no name or ID number into any block, not even into transaction arguments', async function () {
    const dataDir = await tempDir('civic-privacy-');
    try {
      const gw = await startGatewayProcess(dataDir);
      const key = await loadDevKey(dataDir);
      const sign = (claims: DevTokenClaims) => signDevToken(key, claims, { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 });
      const registrar = await sign({ sub: 'reg', org: 'civil', roles: ['registrar'] });
      const staff = await sign({ sub: 'staff', org: 'charity', roles: ['charity'], charity: 'priv' });
      const api = client(gw.baseUrl);
      const donorName = '欧阳隐名';
      const donorId = newIdNumber();
      const beneficiaryName = '司马受助';
      const beneficiaryId = newIdNumber();
      const ok = (r: { status: number; body: unknown }) => expect(r.status, JSON.stringify(r.body)).to.equal(201);
      ok(await api('POST', '/api/v1/charities', { token: registrar, body: { id: 'priv', name: 'Privacy Foundation', creditCode: '53100000500021676K', publicFundraising: true } }));
      ok(await api('POST', '/api/v1/projects', { token: staff, body: { id: 'pp', title: 'Privacy', targetAmount: 1000 } }));
      ok(await api('POST', '/api/v1/donations', { token: staff, body: { projectId: 'pp', amount: 500, donor: { idNumber: donorId, name: donorName } } }));
      ok(await api('POST', '/api/v1/donations/batch', { token: staff, body: { items: [{ projectId: 'pp', amount: 5, donor: { idNumber: donorId, name: donorName } }] } }));
      ok(await api('POST', '/api/v1/donations', { token: staff, body: { projectId: 'pp', amount: 7, donor: { anonymous: true, idNumber: donorId, name: donorName } } }));
      ok(await api('POST', '/api/v1/disbursements', { token: staff, body: { projectId: 'pp', amount: 100, category: 'program', beneficiary: { idNumber: beneficiaryId, name: beneficiaryName } } }));
      await stopProcess(gw.child);

      const store = await LedgerStore.open(path.join(dataDir, 'ledger'));
      let blocks = 0;
      let text = '';
      try {
        const scan = store.scanBlocks();
        for (let e = await scan.next(); e; e = await scan.next()) {
          blocks++;
          text += e.block.data.join('\n');
        }
      } finally {
        await store.close();
      }
      expect(blocks).to.be.greaterThan(5);
      expect(text).to.include('RecordDisbursement');
      for (const secret of [donorName, donorId, beneficiaryName, beneficiaryId]) expect(text).to.not.include(secret);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
