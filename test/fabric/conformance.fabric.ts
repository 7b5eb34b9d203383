import { expect } from 'chai';
import { suite } from '../conformance';
import { expectProblem } from '../conformance/certificates';
import { startDepartments, type DepartmentsHarness } from '../support/departments-harness';
import { client } from '../support/http';

/**
 * The conformance suite on a real Fabric network, with one gateway per
 * department: `npm run test:fabric` starts the network, runs this file, and
 * stops the network.
 */
suite({ name: 'fabric', factory: () => startDepartments() });

describe('one gateway per department [fabric]', function () {
  let h: DepartmentsHarness;
  before(async () => (h = await startDepartments()));
  after(async () => h?.close());

  it("refuses a token of another org with 403 ORG_NOT_SERVED, and answers public calls as usual", async function () {
    // Signed by a key civil's gateway trusts (as one identity provider serves every department), but for charity.
    const charityStaff = await h.tokenAt('civil', { sub: 'staff1', org: 'charity', roles: ['charity'], charity: 'c1' });
    const atCivil = client(h.gatewayUrl('civil'));
    expectProblem(await atCivil('GET', '/api/v1/certificates/x', { token: charityStaff }), 403, 'ORG_NOT_SERVED');
    expect((await atCivil('GET', '/api/v1/issuers')).status).to.equal(200);
    expect((await client(h.gatewayUrl('charity'))('GET', '/healthz')).body.ledger.backend).to.equal('fabric');
  });

  it('lets each org register its own signing key, whatever the start order', async function () {
    const issuers = await client(h.gatewayUrl('audit'))('GET', '/api/v1/issuers');
    const active = (msp: string) => issuers.body.items.find((i: { mspId: string }) => i.mspId === msp)?.keys.some((k: { status: string }) => k.status === 'active');
    expect(active('CivilAffairsMSP')).to.equal(true);
    expect(active('CharityMSP')).to.equal(true);
    expect(active('AuditMSP')).to.equal(true);
  });
});
