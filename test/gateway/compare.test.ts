import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PersonDocument } from '../../chaincode/src/identifiers';
import { Pseudonyms } from '../../gateway/src/credentials/holder-ref';
import { HOLDER_SEARCHES_PER_WINDOW } from '../../gateway/src/domain/certificates';
import { issue } from '../../gateway/src/domain/certificates';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startEmbedded } from '../support/gateway-harness';
import { client } from '../support/http';

/** What a gateway wrote before certificate records kept a claims ref. */
class NoClaimsRef extends Pseudonyms {
  override claims(_certId: string, _person: PersonDocument, _type: string, _claims: Record<string, unknown>): string {
    return undefined as unknown as string;
  }
}

async function pepperOf(dataDir: string): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(dataDir, 'secrets', 'pepper.json'), 'utf8')) as { pepper: string }).pepper;
}

describe('comparing certificates with the ledger', function () {
  it('compares holder and type of a record written before claimsRef, and says its claims are unverified', async function () {
    const g = await startEmbedded();
    try {
      const api = client(g.baseUrl);
      const issuer = await g.token({ sub: 'clerk-old', org: 'civil', roles: ['issuer'] });
      const who = await g.service.ctx.wallet.identity('CivilAffairsMSP', 'clerk-old', { role: 'issuer' });
      const idNumber = newIdNumber();
      const body = { id: `old-${Date.now()}`, ...lowIncomeBody(idNumber) };
      const old = await issue({ ...g.service.ctx, pseudonyms: new NoClaimsRef(g.config.pepper ?? (await pepperOf(g.dataDir))) }, who, body);
      const stored = await api('GET', `/api/v1/certificates/${old.id}`, { token: issuer });
      expect(stored.body).to.include({ id: body.id }).and.not.have.property('claimsRef');
      const compare = (items: unknown[]) => api('POST', '/api/v1/certificates/compare', { token: issuer, body: { items } });

      for (const claims of [body.claims, { householdSize: 9 }]) {
        const same = await compare([{ ...body, claims }]);
        expect(same.status, JSON.stringify(same.body)).to.equal(200);
        expect(same.body.items).to.deep.equal([{ id: body.id, state: 'same', unverified: ['claims'] }]);
      }
      const other = await compare([{ ...body, holder: { idNumber: newIdNumber(), name: '张三' } }]);
      expect(other.body.items).to.deep.equal([{ id: body.id, state: 'different', differs: ['holder'] }]);
    } finally {
      await g.close();
    }
  });

  it('counts each row whose holder did not match against the allowance of look-ups by ID number', async function () {
    const g = await startEmbedded();
    try {
      const api = client(g.baseUrl);
      const issuer = await g.token({ sub: 'clerk-many', org: 'civil', roles: ['issuer'] });
      const other = await g.token({ sub: 'clerk-other', org: 'civil', roles: ['issuer'] });
      const holder = newIdNumber();
      const ids = Array.from({ length: HOLDER_SEARCHES_PER_WINDOW + 1 }, (_, i) => `many-${Date.now()}-${i}`);
      const issued = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items: ids.map((id) => ({ id, ...lowIncomeBody(holder) })) } });
      expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
      const guesses = (from: number, to: number) => ({ items: ids.slice(from, to).map((id) => ({ id, ...lowIncomeBody(newIdNumber()) })) });

      // Rows that match cost nothing: a rerun of a whole import is never limited.
      const rerun = await api('POST', '/api/v1/certificates/compare', { token: issuer, body: { items: ids.map((id) => ({ id, ...lowIncomeBody(holder) })) } });
      expect(rerun.status).to.equal(200);
      expect(new Set(rerun.body.items.map((i: { state: string }) => i.state))).to.deep.equal(new Set(['same']));

      const first = await api('POST', '/api/v1/certificates/compare', { token: issuer, body: guesses(0, HOLDER_SEARCHES_PER_WINDOW) });
      expect(first.status, JSON.stringify(first.body).slice(0, 300)).to.equal(200);
      expect(first.body.items.every((i: { differs?: string[] }) => i.differs?.[0] === 'holder')).to.equal(true);
      const refused = await api('POST', '/api/v1/certificates/compare', { token: issuer, body: guesses(HOLDER_SEARCHES_PER_WINDOW, HOLDER_SEARCHES_PER_WINDOW + 1) });
      expect(refused.status).to.equal(429);
      expect(refused.body.code).to.equal('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
      // The allowance is the one holder searches draw on.
      expect((await api('POST', '/api/v1/certificates/search', { token: issuer, body: { holder: { idNumber: holder } } })).status).to.equal(429);
      expect((await api('POST', '/api/v1/certificates/compare', { token: other, body: guesses(0, 1) })).status).to.equal(200);
    } finally {
      await g.close();
    }
  });
});
