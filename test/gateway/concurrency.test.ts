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
