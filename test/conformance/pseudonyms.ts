import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { charityWithProjects } from '../support/charities';
import type { Call } from '../support/http';
import { contractClient } from '../support/openapi-check';
import { lowIncomeBody, newIdNumber } from './certificates';
import type { Harness, SuiteOptions } from './harness';

const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));

/**
 * Pseudonyms by purpose: what a charity (or anyone) can make the gateway
 * compute for an ID number it names must not match the pseudonyms that
 * certificates, other charities' donors or beneficiaries carry.
 */
export function pseudonymScenarios(opts: SuiteOptions): void {
  describe(`pseudonyms by purpose [${opts.name}]`, function () {
    let h: Harness;
    let api: Call;
    let issuer: string;
    let registrar: string;
    const run = randomUUID().slice(0, 8);

    before(async function () {
      h = await opts.factory();
      api = contractClient(h.baseUrl);
      issuer = await h.token({ sub: 'clerk-ps', org: 'civil', roles: ['issuer'] });
      registrar = await h.token({ sub: 'reg-ps', org: 'civil', roles: ['registrar'] });
    });
    after(async () => h?.close());

    async function charityWithProject(name: string): Promise<{ token: string; projectId: string }> {
      const id = `ps-${name}-${run}`;
      const { token, projects } = await charityWithProjects(api, registrar, (c) => h.token(c), { id, name: `助学基金会 ${name}` });
      return { token, projectId: projects[0] };
    }

    it('gives a charity that names candidate ID numbers as donors nothing that matches a credential or its record (the two-request recovery)', async function () {
      const holder = newIdNumber();
      const cert = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(holder) });
      expect(cert.status, JSON.stringify(cert.body)).to.equal(201);
      const subject = payloadOf(cert.body.credential).credentialSubject;
      expect(subject, 'the credential names no holder pseudonym').to.not.have.property('id');

      const { token, projectId } = await charityWithProject('a');
      // Request 1: every candidate behind the masked number, the holder's among them, as 1-fen donations.
      const candidates = [...Array.from({ length: 199 }, () => newIdNumber()), holder];
      const batch = await api('POST', '/api/v1/donations/batch', {
        token,
        body: { items: candidates.map((idNumber) => ({ projectId, amount: 1, donor: { idNumber } })) },
      });
      expect(batch.status, JSON.stringify(batch.body)).to.equal(201);
      const donorRefs = new Set(batch.body.items.map((i: { donation: { donorRef?: string } }) => i.donation.donorRef));
      expect(donorRefs.size).to.equal(candidates.length);
      // Request 2: the certificate's record, which any member may read.
      const record = await api('GET', `/api/v1/certificates/${cert.body.id}`, { token });
      expect(record.status, JSON.stringify(record.body)).to.equal(200);
      expect(donorRefs.has(record.body.holderRef), 'a donor pseudonym equals the holder pseudonym').to.equal(false);
      for (const ref of donorRefs) expect(cert.body.credential.includes(ref as string) || JSON.stringify(subject).includes(ref as string)).to.equal(false);
    });

    it('separates donors per charity and beneficiaries from both', async function () {
      const person = newIdNumber();
      const a = await charityWithProject('b');
      const b = await charityWithProject('c');
      const donate = async (c: { token: string; projectId: string }) => {
        const r = await api('POST', '/api/v1/donations', { token: c.token, body: { projectId: c.projectId, amount: 10_000, donor: { idNumber: person } } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        return r.body.donation.donorRef as string;
      };
      const [refA, refA2, refB] = [await donate(a), await donate(a), await donate(b)];
      expect(refA).to.match(/^[0-9a-f]{64}$/);
      expect(refA2, 'one charity links its own donations of one donor').to.equal(refA);
      expect(refB, 'two charities cannot link their donors').to.not.equal(refA);

      const paid = await api('POST', '/api/v1/disbursements', {
        token: a.token,
        body: { projectId: a.projectId, amount: 500, category: 'program', beneficiary: { idNumber: person, name: '受助人' } },
      });
      expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
      const beneficiaryRef = paid.body.disbursement.beneficiaryRef as string;
      expect(beneficiaryRef).to.match(/^[0-9a-f]{64}$/);
      expect([refA, refB]).to.not.include(beneficiaryRef);

      const cert = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(person) });
      expect(cert.status, JSON.stringify(cert.body)).to.equal(201);
      expect([refA, refB, beneficiaryRef]).to.not.include(cert.body.record.holderRef);
    });

    it('still finds a person\'s certificates by ID number, and the holder check still confirms them', async function () {
      const person = newIdNumber();
      const cert = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(person) });
      expect(cert.status).to.equal(201);
      const found = await api('POST', '/api/v1/certificates/search', { token: issuer, body: { holder: { idNumber: person } } });
      expect(found.status, JSON.stringify(found.body)).to.equal(200);
      expect(found.body.items.map((r: { id: string }) => r.id)).to.deep.equal([cert.body.id]);
      const checked = await api('POST', '/api/v1/verify', { body: { credential: cert.body.credential, holder: { idNumber: person } } });
      expect(checked.body.valid).to.equal(true);
    });
  });
}
