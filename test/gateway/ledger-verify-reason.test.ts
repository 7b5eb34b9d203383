import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { sampleCreditCode } from '../../scripts/sample-ids';
import { startEmbedded, tempDir } from '../support/gateway-harness';
import { contractClient } from '../support/openapi-check';
import { tamperBlock, widenFirstTransaction } from '../support/tamper';

describe('GET /api/v1/audit/ledger/verify on a tampered embedded ledger', function () {
  this.timeout(60_000);

  it('names the first bad block and says why, in the shape the OpenAPI document gives', async function () {
    const dataDir = await tempDir('civic-tamper-');
    try {
      const env = { CIVIC_DATA_DIR: dataDir };
      let gw = await startEmbedded(env);
      const registrar = await gw.token({ sub: 'reg1', org: 'civil', roles: ['registrar'] });
      const auditor = await gw.token({ sub: 'aud1', org: 'audit', roles: ['auditor'] });
      let api = contractClient(gw.baseUrl);
      const written: number[] = [];
      for (const name of ['甲基金会', '乙基金会']) {
        const r = await api('POST', '/api/v1/charities', { token: registrar, body: { id: `tamper-${written.length}`, name, creditCode: sampleCreditCode(), publicFundraising: true } });
        expect(r.status, r.text).to.equal(201);
        written.push(r.body.blockNumber);
      }
      const intact = await api('GET', '/api/v1/audit/ledger/verify', { token: auditor });
      expect(intact.status).to.equal(200);
      expect(intact.body).to.include({ ok: true });
      expect(intact.body).to.not.have.any.keys('reason', 'firstBadBlock');
      await gw.close();

      // One byte more in the first charity's stored transaction: the block's bytes no longer match its dataHash.
      const target = written[0];
      await tamperBlock(dataDir, target, widenFirstTransaction);

      gw = await startEmbedded(env);
      api = contractClient(gw.baseUrl);
      try {
        const r = await api('GET', '/api/v1/audit/ledger/verify', { token: auditor });
        expect(r.status).to.equal(200);
        expect(r.body).to.include({ ok: false, firstBadBlock: target });
        expect(r.body.reason).to.be.a('string').and.match(new RegExp(`^block ${target} `));
        expect(r.body.reason).to.match(/dataHash/);
      } finally {
        await gw.close();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
