import { expect } from 'chai';
import { suite } from '../conformance';
import { expectProblem } from '../conformance/certificates';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sampleCreditCode } from '../../scripts/sample-ids';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startGateway } from '../support/gateway-harness';
import { departmentEnv, departmentTraffic, startDepartments, type DepartmentsHarness } from '../support/departments-harness';
import { client } from '../support/http';

/**
 * The conformance suite on a real Fabric network, with one gateway per
 * department: `npm run test:fabric` starts the network, runs this file, and
 * stops the network.
 */
suite({ name: 'fabric', factory: () => startDepartments() });

after(function () {
  const t = departmentTraffic();
  const rate = t.seconds > 0 ? (t.requests / t.seconds).toFixed(1) : '-';
  console.log(`      cross-department run: ${t.requests} calls (civil ${t.byOrg.civil}, charity ${t.byOrg.charity}, audit ${t.byOrg.audit}) in ${t.seconds.toFixed(1)} s, ${rate} calls/s`);
});

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

  it('runs a charity from registration to audit across the three departments, and a certificate verifies everywhere', async function () {
    const run = randomUUID().slice(0, 8);
    const charityId = `x-dept-${run}`;
    const at = (org: 'civil' | 'charity' | 'audit') => client(h.gatewayUrl(org));
    const registrar = await h.token({ sub: 'reg-x', org: 'civil', roles: ['registrar'] });
    const issuer = await h.token({ sub: 'clerk-x', org: 'civil', roles: ['issuer'] });
    const staff = await h.token({ sub: 'staff-x', org: 'charity', roles: ['charity'], charity: charityId });
    const auditor = await h.token({ sub: 'aud-x', org: 'audit', roles: ['auditor', 'verifier'] });
    expect((await at('civil')('POST', '/api/v1/charities', { token: registrar, body: { id: charityId, name: '跨部门基金会', creditCode: sampleCreditCode(), publicFundraising: true } })).status).to.equal(201);
    expect((await at('charity')('POST', '/api/v1/projects', { token: staff, body: { id: `p-${run}`, title: '助学', targetAmount: 1_000_000 } })).status).to.equal(201);
    const d = await at('charity')('POST', '/api/v1/donations', { token: staff, body: { projectId: `p-${run}`, amount: 10_000, donor: { idNumber: newIdNumber(), name: '捐赠人' } } });
    expect(d.status, JSON.stringify(d.body)).to.equal(201);
    const x = await at('charity')('POST', '/api/v1/disbursements', { token: staff, body: { projectId: `p-${run}`, amount: 4_000, category: 'program', payee: '县第一小学' } });
    expect(x.status, JSON.stringify(x.body)).to.equal(201);
    const trace = await at('audit')('GET', `/api/v1/audit/donations/${d.body.id}/trace`, { token: auditor });
    expect(trace.status).to.equal(200);
    expect(trace.body.allocations.map((a: { disbursementId: string }) => a.disbursementId)).to.deep.equal([x.body.id]);
    const report = await at('audit')('GET', `/api/v1/audit/charities/${charityId}/report?year=${new Date().getUTCFullYear()}`, { token: auditor });
    expect(report.status).to.equal(200);
    expect(report.body.income).to.equal(10_000);

    const idNumber = newIdNumber();
    const c = await at('civil')('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(idNumber) });
    expect(c.status).to.equal(201);
    for (const org of ['audit', 'charity'] as const) {
      const v = await at(org)('POST', '/api/v1/verify', { body: { credential: c.body.credential } });
      expect(v.body.valid, `${org}: ${JSON.stringify(v.body.checks)}`).to.equal(true);
    }
    const found = await at('audit')('POST', '/api/v1/certificates/search', { token: auditor, body: { holder: { idNumber } } });
    expect(found.body.items.map((i: { id: string }) => i.id)).to.deep.equal([c.body.id]);
  });

  it("lets Fabric's own peer CLI, as another org's admin, read a certificate the civil gateway wrote", async function () {
    const issuer = await h.token({ sub: 'clerk-cli', org: 'civil', roles: ['issuer'] });
    const issued = await client(h.gatewayUrl('civil'))('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
    expect(issued.status, issued.text).to.equal(201);
    const root = path.resolve(__dirname, '../../..');
    const r = spawnSync('npm', ['run', '--silent', 'fabric:query', '--', 'audit', 'certificates:Get', issued.body.id], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).to.equal(0);
    const onPeer = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(onPeer).to.include({ id: issued.body.id, issuerMsp: 'CivilAffairsMSP', digest: issued.body.record.digest, issueTxId: issued.body.txId });
  });

  it('never pays out more than the income when two charity gateway processes disburse from one project at once', async function () {
    const run = randomUUID().slice(0, 8);
    const charityId = `x-conc-${run}`;
    const second = await startGateway(departmentEnv('charity', h.pepper));
    try {
      const registrar = await h.token({ sub: 'reg-c', org: 'civil', roles: ['registrar'] });
      const claims = { sub: 'staff-c', org: 'charity' as const, roles: ['charity'], charity: charityId };
      const one = client(h.gatewayUrl('charity'));
      const two = client(second.baseUrl);
      const [t1, t2] = [await h.token(claims), await second.token(claims)];
      expect((await client(h.gatewayUrl('civil'))('POST', '/api/v1/charities', { token: registrar, body: { id: charityId, name: '并发基金会', creditCode: sampleCreditCode(), publicFundraising: false } })).status).to.equal(201);
      expect((await one('POST', '/api/v1/projects', { token: t1, body: { id: `p-${run}`, title: '并发', targetAmount: 100_000 } })).status).to.equal(201);
      expect((await one('POST', '/api/v1/donations', { token: t1, body: { projectId: `p-${run}`, amount: 1_000, donor: { anonymous: true } } })).status).to.equal(201);
      const pay = (api: typeof one, token: string) => api('POST', '/api/v1/disbursements', { token, body: { projectId: `p-${run}`, amount: 300, category: 'program' } });
      const answers = await Promise.all([pay(one, t1), pay(two, t2), pay(one, t1), pay(two, t2), pay(one, t1), pay(two, t2)]);
      const paid = answers.filter((r) => r.status === 201).length;
      for (const r of answers) expect([201, 409, 422], JSON.stringify(r.body)).to.include(r.status);
      expect(paid).to.be.at.most(3);
      const project = await one('GET', `/api/v1/projects/${`p-${run}`}`, { token: t1 });
      expect(project.body.disbursed).to.equal(paid * 300);
      expect(project.body.disbursed).to.be.at.most(1_000);
      expect(project.body.balance).to.equal(1_000 - paid * 300);
    } finally {
      await second.close();
    }
  });
});
