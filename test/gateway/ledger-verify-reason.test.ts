import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { decodeBlock, encodeBlock } from '../../network/devnet/block-codec';
import { storeKeyOfBlock } from '../../network/devnet/ledger-store';
import { sampleCreditCode } from '../../scripts/sample-ids';
import { startEmbedded, tempDir } from '../support/gateway-harness';
import { contractClient } from '../support/openapi-check';

/** Changes one stored block of the embedded ledger under `dataDir` (the gateway must be closed). */
async function tamperBlock(dataDir: string, n: number, change: (block: ReturnType<typeof decodeBlock>) => void): Promise<void> {
  const db = new Level<string, Buffer>(join(dataDir, 'ledger'), { keyEncoding: 'utf8', valueEncoding: 'buffer' });
  try {
    const block = decodeBlock((await db.get(storeKeyOfBlock(n)))!);
    const before = JSON.stringify(block);
    change(block);
    if (JSON.stringify(block) === before) throw new Error('the tampering changed nothing');
    await db.put(storeKeyOfBlock(n), encodeBlock({ ...block, data: block.data.map((d) => Buffer.from(d, 'utf8')) }));
  } finally {
    await db.close();
  }
}

describe('GET /api/v1/audit/ledger/verify on a tampered embedded ledger', function () {
  this.timeout(60_000);

  it('names the first bad block and says why, in the shape the OpenAPI document gives', async function () {
    const dataDir = await tempDir('civic-tamper-');
    try {
      const env = { CIVIC_DATA_DIR: dataDir };
      let gw = await startEmbedded(env);
      const key = await loadDevKey(dataDir);
      const opts = { issuer: gw.config.auth.issuer, audience: gw.config.auth.audience, ttlSeconds: 600 };
      const registrar = await signDevToken(key, { sub: 'reg1', org: 'civil', roles: ['registrar'] }, opts);
      const auditor = await signDevToken(key, { sub: 'aud1', org: 'audit', roles: ['auditor'] }, opts);
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
      await tamperBlock(dataDir, target, (block) => {
        block.data[0] = block.data[0].replace('"endorsements":', '"endorsements": ');
      });

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
