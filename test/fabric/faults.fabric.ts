import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startDepartments, type DepartmentsHarness } from '../support/departments-harness';
import { client, type Call } from '../support/http';

const ROOT = path.resolve(__dirname, '../../..');

/** `npm run fabric:node -- <action> <node>`, as an operator would run it. */
function node(action: 'stop' | 'start', name: string): void {
  const r = spawnSync('bash', [path.join(ROOT, 'network/fabric/network.sh'), 'node', action, name], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${action} ${name}: ${r.stdout}${r.stderr}`).to.equal(0);
}

/**
 * Faults on the real network: nodes are stopped and started while the three
 * department gateways keep serving. Figures (time to 503, time to recover)
 * are printed for the record.
 */
describe('faults survived [fabric]', function () {
  this.timeout(300_000);
  let h: DepartmentsHarness;
  let civil: Call;
  let issuer: string;
  let verifier: string;

  before(async function () {
    h = await startDepartments();
    civil = client(h.gatewayUrl('civil'));
    issuer = await h.token({ sub: 'clerk-fault', org: 'civil', roles: ['issuer'] });
    verifier = await h.token({ sub: 'desk-fault', org: 'civil', roles: ['verifier'] });
  });
  after(async () => h?.close());

  const issue = (body = lowIncomeBody(newIdNumber()), key?: string) =>
    civil('POST', '/api/v1/certificates', { token: issuer, body, headers: key ? { 'idempotency-key': key } : {} });

  /** Retries a write until it commits, for at most `ms`; returns the answer and how long it took. */
  async function untilCommitted(write: () => ReturnType<Call>, ms: number) {
    const started = Date.now();
    for (;;) {
      const r = await write();
      if (r.status === 201 || Date.now() - started > ms) return { r, ms: Date.now() - started };
      await new Promise((res) => setTimeout(res, 500));
    }
  }

  it('keeps committing with any one peer down (MAJORITY)', async function () {
    node('stop', 'peer0.audit');
    try {
      const r = await issue();
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    } finally {
      node('start', 'peer0.audit');
    }
  });

  it('answers 503 without addresses when two peers are down, serves reads, and commits exactly once after they return', async function () {
    const before = await issue();
    expect(before.status).to.equal(201);
    const body = lowIncomeBody(newIdNumber());
    const key = `fault-${Date.now()}`;
    node('stop', 'peer0.audit');
    node('stop', 'peer0.charity');
    let down: number;
    try {
      const started = Date.now();
      const r = await issue(body, key);
      down = Date.now() - started;
      expect(r.status, JSON.stringify(r.body)).to.equal(503);
      expect(r.body.code).to.equal('LEDGER_UNAVAILABLE');
      expect(r.body.detail).to.not.match(/127\.0\.0\.1|localhost|:\d{4,5}\b|civicledger\.test/);
      expect(down).to.be.below(35_000);
      const read = await civil('GET', `/api/v1/certificates/${before.body.id}`, { token: verifier });
      expect(read.status).to.equal(200);
    } finally {
      node('start', 'peer0.charity');
      node('start', 'peer0.audit');
    }
    const { r, ms } = await untilCommitted(() => issue(body, key), 60_000);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    console.log(`      time to 503 with two peers down: ${down} ms; first commit after restart: ${ms} ms`);
    const found = await civil('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber: body.holder.idNumber } } });
    expect(found.body.items).to.have.length(1);
    // The restarted peers catch up: each department's gateway reports the same height as civil's soon after.
    const height = async (org: 'civil' | 'charity' | 'audit') => (await client(h.gatewayUrl(org))('GET', '/healthz')).body.ledger.height as number;
    let same = false;
    for (let i = 0; i < 60 && !same; i++) {
      const [a, b, c] = await Promise.all([height('civil'), height('charity'), height('audit')]);
      same = a === b && b === c;
      if (!same) await new Promise((res) => setTimeout(res, 500));
    }
    expect(same).to.equal(true);
  });

  it('answers 503 while the orderer is down and commits a write retried with its Idempotency-Key exactly once after it is back', async function () {
    const body = lowIncomeBody(newIdNumber());
    const key = `orderer-${Date.now()}`;
    node('stop', 'orderer0');
    try {
      const r = await issue(body, key);
      expect(r.status, JSON.stringify(r.body)).to.equal(503);
      expect(r.body.code).to.equal('LEDGER_UNAVAILABLE');
    } finally {
      node('start', 'orderer0');
    }
    const { r: again, ms } = await untilCommitted(() => issue(body, key), 60_000);
    expect(again.status, JSON.stringify(again.body)).to.equal(201);
    console.log(`      first commit after the orderer restarted: ${ms} ms`);
    const replay = await issue(body, key);
    expect(replay.status).to.equal(201);
    expect(replay.body.id).to.equal((again.body as { id: string }).id);
    const found = await civil('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber: body.holder.idNumber } } });
    expect(found.body.items).to.have.length(1);
  });

  it("keeps committing through the civil gateway while civil's chaincode server is down, and after it is back", async function () {
    node('stop', 'chaincode-civil');
    try {
      const started = Date.now();
      const r = await issue();
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      console.log(`      a write with civil's chaincode server down: ${Date.now() - started} ms`);
      const read = await civil('GET', `/api/v1/certificates/${r.body.id}`, { token: verifier });
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
    } finally {
      node('start', 'chaincode-civil');
    }
    const { r: after, ms } = await untilCommitted(() => issue(), 60_000);
    expect(after.status, JSON.stringify(after.body)).to.equal(201);
    console.log(`      first commit after civil's chaincode server restarted: ${ms} ms`);
  });
});
