import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MSP } from '../../chaincode/src/models';
import { startEmbedded } from '../support/gateway-harness';
import { client } from '../support/http';

describe('concurrent writers of the same files', function () {
  this.timeout(60_000);

  it('answers 8 parallel key rotations without a 5xx and keeps no key the chain refused', async function () {
    const h = await startEmbedded();
    try {
      const api = client(h.baseUrl);
      const admin = await h.token({ sub: 'civil-admin', org: 'civil', roles: ['admin'] });
      const answers = await Promise.all(Array.from({ length: 8 }, () => api('POST', '/api/v1/issuers/keys/rotate', { token: admin })));
      for (const r of answers) expect([201, 409], JSON.stringify(r.body)).to.include(r.status);
      expect(answers.filter((r) => r.status === 201).length).to.be.greaterThan(0);
      const issuers = await api('GET', '/api/v1/issuers');
      const onChain = issuers.body.items.find((i: { mspId: string }) => i.mspId === MSP.civil).keys.map((k: { kid: string }) => k.kid);
      const file = JSON.parse(await fs.readFile(path.join(h.dataDir, 'issuers', MSP.civil, 'keys.json'), 'utf8')) as { activeKid: string; keys: Record<string, unknown> };
      expect(Object.keys(file.keys).sort()).to.deep.equal([...onChain].sort());
      const active = issuers.body.items.find((i: { mspId: string }) => i.mspId === MSP.civil).keys.filter((k: { status: string }) => k.status === 'active');
      expect(active.map((k: { kid: string }) => k.kid)).to.deep.equal([file.activeKid]);
    } finally {
      await h.close();
    }
  });

  it('numbers certificates again when the next number it knew was taken meanwhile (another gateway of the org)', async function () {
    const h = await startEmbedded();
    try {
      const api = client(h.baseUrl);
      const issuer = await h.token({ sub: 'clerk-numbers', org: 'civil', roles: ['issuer'] });
      const body = (n: string) => ({ type: 'low-income-household', holder: { idNumber: n, name: '张三' }, claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: '北京市东城区' } });
      const first = await api('POST', '/api/v1/certificates', { token: issuer, body: body('11010519491231002X') });
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      const numbers = h.service.ctx.state.nextStatusNumbers;
      const next = first.body.record.statusList.index + 1;
      expect(numbers.get(MSP.civil)).to.equal(next);
      // What this gateway knows goes stale when another one takes numbers: behind, or ahead of the ledger.
      for (const stale of [next - 1, next + 7]) {
        numbers.set(MSP.civil, stale);
        const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items: [body('11010519491231002X'), body('11010519491231002X')] } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        const indexes = r.body.items.map((i: { record: { statusList: { index: number } } }) => i.record.statusList.index);
        const expected = stale === next - 1 ? [next, next + 1] : [next + 2, next + 3];
        expect(indexes).to.deep.equal(expected);
        expect(numbers.get(MSP.civil)).to.equal(expected[1] + 1);
      }
    } finally {
      await h.close();
    }
  });

  it('enrols one user with changing attributes in parallel without a 5xx', async function () {
    const h = await startEmbedded();
    try {
      const api = client(h.baseUrl);
      const tokens = await Promise.all(
        Array.from({ length: 8 }, (_, i) => h.token({ sub: 'clerk-many', org: 'audit', roles: i % 2 ? ['verifier'] : ['auditor', 'verifier'], dept: `d${i}` })),
      );
      const answers = await Promise.all(tokens.map((token) => api('GET', '/api/v1/certificates?limit=1', { token })));
      for (const r of answers) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    } finally {
      await h.close();
    }
  });
});
