import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { requirePersonDocument, residentIdCheckChar, type PersonDocument } from '../../chaincode/src/identifiers';
import { Pseudonyms } from '../../gateway/src/credentials/holder-ref';
import { maskIdNumber } from '../../gateway/src/credentials/vc';
import { issue } from '../../gateway/src/domain/certificates';
import { HOLDER_SEARCHES_PER_WINDOW } from '../../gateway/src/domain/certificates';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { client } from '../support/http';
import { startEmbedded } from '../support/gateway-harness';
import { startGatewayProcess, stopProcess } from '../support/process';
import { tempDir } from '../support/gateway-harness';
import { signDevToken, loadDevKey } from '../../gateway/src/auth/dev-key';
import { loadConfig } from '../../gateway/src/config';

/**
 * How many valid resident ID numbers born from 1900 to 2026 a masked number
 * leaves: the characters it shows must match, the check character must be
 * right. A `*` hides a character.
 */
function candidatesBehind(mask: string): number {
  const visible = (i: number, c: string) => mask[i] === '*' || mask[i] === c;
  if (![...mask.slice(0, 6)].every((c, i) => visible(i, c)) || mask.slice(0, 6).includes('*')) throw new Error('count needs the region shown');
  // The sequence numbers the mask allows; with the check character hidden each of them is one candidate.
  const seqs = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0')).filter((s) => [...s].every((c, i) => visible(14 + i, c)));
  let count = 0;
  for (let t = Date.UTC(1900, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
    if (![...date].every((c, i) => visible(6 + i, c))) continue;
    if (mask[17] === '*') count += seqs.length;
    else count += seqs.filter((s) => visible(17, residentIdCheckChar(`${mask.slice(0, 6)}${date}${s}`))).length;
  }
  return count;
}

class LegacyHolders extends Pseudonyms {
  override holder(person: PersonDocument): string {
    return this.legacyHolder(person);
  }
}

describe('pseudonyms by purpose', function () {
  const person = requirePersonDocument('holder', undefined, '11010519491231002X');

  it('keys each purpose apart, donors per charity, and keeps the legacy function for old records only', function () {
    const p = new Pseudonyms('pepper-for-tests-0123456789abcdef');
    const refs = [p.holder(person), p.beneficiary(person), p.donor('ch-1', person), p.donor('ch-2', person), p.legacyHolder(person)];
    expect(new Set(refs).size).to.equal(refs.length);
    for (const r of refs) expect(r).to.match(/^[0-9a-f]{64}$/);
    expect(p.donor('ch-1', person)).to.equal(refs[2]);
    expect(p.legacyHolder(person)).to.equal(createHmac('sha256', 'pepper-for-tests-0123456789abcdef').update(person.key).digest('hex'));
    expect(new Pseudonyms('another-pepper-0123456789abcdef').holder(person)).to.not.equal(refs[0]);
  });

  it('masks a resident ID number so that at least a million candidates remain (the old mask left a few thousand)', function () {
    const id = '11010519491231002X';
    expect(candidatesBehind(maskIdNumber('resident', id))).to.be.at.least(1_000_000);
    expect(candidatesBehind(`${id.slice(0, 6)}********${id.slice(14)}`)).to.be.below(5_000);
  });
});

describe('holder look-ups, limited', function () {
  it('limits searches by holder per user, with Retry-After, and not another user', async function () {
    const g = await startEmbedded();
    try {
      const api = client(g.baseUrl);
      const a = await g.token({ sub: 'verifier-a', org: 'civil', roles: ['verifier'] });
      const b = await g.token({ sub: 'verifier-b', org: 'civil', roles: ['verifier'] });
      const body = { holder: { idNumber: newIdNumber() } };
      for (let i = 0; i < HOLDER_SEARCHES_PER_WINDOW; i++) {
        const r = await api('POST', '/api/v1/certificates/search', { token: a, body });
        expect(r.status, `search ${i + 1}`).to.equal(200);
      }
      const refused = await api('POST', '/api/v1/certificates/search', { token: a, body });
      expect(refused.status).to.equal(429);
      expect(refused.body.code).to.equal('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
      expect((await api('POST', '/api/v1/certificates/search', { token: b, body })).status).to.equal(200);
    } finally {
      await g.close();
    }
  });

  it('finds and confirms certificates written with legacy holder pseudonyms, after the current ones', async function () {
    const g = await startEmbedded();
    try {
      const api = client(g.baseUrl);
      const issuer = await g.token({ sub: 'clerk-legacy', org: 'civil', roles: ['issuer'] });
      const idNumber = newIdNumber();
      const who = await g.service.ctx.wallet.identity('CivilAffairsMSP', 'clerk-legacy', { role: 'issuer' });
      // What the gateway wrote before pseudonyms had purposes.
      const old = await issue({ ...g.service.ctx, pseudonyms: new LegacyHolders(g.config.pepper ?? (await pepperOf(g.dataDir))) }, who, lowIncomeBody(idNumber));
      const current = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(idNumber) });
      expect(current.status).to.equal(201);
      expect(old.record.holderRef).to.not.equal(current.body.record.holderRef);

      const all = await api('POST', '/api/v1/certificates/search', { token: issuer, body: { holder: { idNumber } } });
      expect(all.body.items.map((r: { id: string }) => r.id)).to.deep.equal([current.body.id, old.id]);
      const first = await api('POST', '/api/v1/certificates/search', { token: issuer, body: { holder: { idNumber }, limit: 1 } });
      expect(first.body.items.map((r: { id: string }) => r.id)).to.deep.equal([current.body.id]);
      const second = await api('POST', '/api/v1/certificates/search', { token: issuer, body: { holder: { idNumber }, limit: 1, cursor: first.body.nextCursor } });
      expect(second.status, JSON.stringify(second.body)).to.equal(200);
      expect(second.body.items.map((r: { id: string }) => r.id)).to.deep.equal([old.id]);
      expect(second.body.nextCursor).to.equal(undefined);

      const checked = await api('POST', '/api/v1/verify', { body: { credential: old.credential, holder: { idNumber } } });
      expect(checked.body.valid, JSON.stringify(checked.body)).to.equal(true);
    } finally {
      await g.close();
    }
  });

  it('keeps a credential\'s holder-check lock-out across a restart of the gateway', async function () {
    this.timeout(120_000);
    const dataDir = await tempDir();
    let gw = await startGatewayProcess(dataDir, { CIVIC_LEDGER: 'embedded' });
    try {
      const config = loadConfig({ CIVIC_DATA_DIR: dataDir });
      const key = await loadDevKey(dataDir);
      const issuer = await signDevToken(key, { sub: 'clerk-lock', org: 'civil', roles: ['issuer'] }, { issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: 600 });
      let api = client(gw.baseUrl);
      const idNumber = newIdNumber();
      const c = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(idNumber) });
      expect(c.status).to.equal(201);
      for (let i = 0; i < 5; i++) await api('POST', '/api/v1/verify', { body: { credential: c.body.credential, holder: { idNumber: newIdNumber() } } });
      expect((await api('POST', '/api/v1/verify', { body: { credential: c.body.credential, holder: { idNumber } } })).status).to.equal(429);
      await stopProcess(gw.child);
      gw = await startGatewayProcess(dataDir, { CIVIC_LEDGER: 'embedded' });
      api = client(gw.baseUrl);
      const after = await api('POST', '/api/v1/verify', { body: { credential: c.body.credential, holder: { idNumber } } });
      expect(after.status).to.equal(429);
      expect(after.body.code).to.equal('RATE_LIMITED');
    } finally {
      await stopProcess(gw.child);
    }
  });
});

async function pepperOf(dataDir: string): Promise<string> {
  const { promises: fs } = await import('node:fs');
  const path = await import('node:path');
  return (JSON.parse(await fs.readFile(path.join(dataDir, 'secrets', 'pepper.json'), 'utf8')) as { pepper: string }).pepper;
}
