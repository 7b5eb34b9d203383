import { expect, use } from 'chai';
import { charityName } from '../support/names';
import chaiAsPromised from 'chai-as-promised';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contracts } from '../../chaincode/src';
import { complianceFindings, complianceStandings } from '../../chaincode/src/audit-contract';
import { businessYear } from '../../chaincode/src/business-date';
import { FN } from '../../chaincode/src/functions';
import { MSP, type AnnualReport, type Disbursement, type Donation, type Project } from '../../chaincode/src/models';
import { openDevnet, type Devnet } from '../../network/devnet';
import { enrol } from '../../network/pki';
import type { SigningIdentity } from '../../network/pki/types';
import { CONSORTIUM } from '../../gateway/src/ledger/embedded';

use(chaiAsPromised);

const ref = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('donation rules (chaincode through the devnet)', function () {
  let dir: string;
  let net: Devnet;
  const ids = new Map<string, SigningIdentity>();

  async function who(msp: string, cn: string, attrs: Record<string, string>): Promise<SigningIdentity> {
    const k = `${msp}/${cn}/${JSON.stringify(attrs)}`;
    let id = ids.get(k);
    if (!id) {
      const org = net.orgs.get(msp);
      if (!org) throw new TypeError(msp);
      id = { mspId: msp, ...(await enrol(org.ca, { commonName: cn, nodeRole: 'client', attrs })) };
      ids.set(k, id);
    }
    return id;
  }

  const registrar = () => who(MSP.civil, 'registrar', { role: 'registrar' });
  const staff = (charity: string) => who(MSP.charity, `staff-${charity}`, { role: 'charity', charity });
  const auditor = () => who(MSP.audit, 'auditor', { role: 'auditor' });

  async function submit<T>(identity: SigningIdentity, fn: string, args: unknown[]): Promise<T> {
    const r = await net.submit(identity, fn, args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))));
    return JSON.parse(Buffer.from(r.payload).toString('utf8')) as T;
  }

  async function evaluate<T>(identity: SigningIdentity, fn: string, args: string[]): Promise<T> {
    return JSON.parse(Buffer.from(await net.evaluate(identity, fn, args)).toString('utf8')) as T;
  }

  const donation = (id: string, projectId: string, amount: unknown, extra: Record<string, unknown> = {}) => ({
    id,
    projectId,
    amount,
    donorRef: ref(`donor-${id}`),
    anonymous: false,
    ...extra,
  });

  before(async function () {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'civic-donations-'));
    net = await openDevnet({ dataDir: dir, contracts, orgs: CONSORTIUM });
    for (const id of ['c1', 'c2']) {
      await submit(await registrar(), FN.registerCharity, [{ id, name: charityName('Charity', id), creditCode: '53100000500021676K', publicFundraising: true }]);
    }
    await submit(await staff('c1'), FN.createProject, [{ id: 'p1', title: 'Water', targetAmount: 1_000_000 }]);
    await submit(await staff('c2'), FN.createProject, [{ id: 'p2', title: 'Schools', targetAmount: 1_000_000 }]);
  });
  after(async function () {
    await net?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lets only a civil-affairs registrar register a charity', async function () {
    const body = JSON.stringify({ id: 'c9', name: 'C9', creditCode: 'X1', publicFundraising: false });
    await expect(net.submit(await who(MSP.civil, 'clerk', { role: 'issuer' }), FN.registerCharity, [body])).to.be.rejectedWith(/^FORBIDDEN: /);
    await expect(net.submit(await who(MSP.charity, 'c-reg', { role: 'registrar', charity: 'c1' }), FN.registerCharity, [body])).to.be.rejectedWith(/^FORBIDDEN: /);
    await expect(net.submit(await auditor(), FN.registerCharity, [body])).to.be.rejectedWith(/^FORBIDDEN: /);
  });

  it('lets a charity user act only for the charity in its certificate, whatever it asks for', async function () {
    const body = JSON.stringify(donation('x1', 'p1', 100));
    await expect(net.submit(await staff('c2'), FN.recordDonation, [body])).to.be.rejectedWith(/^FORBIDDEN: .*another charity/);
    await expect(net.submit(await who(MSP.charity, 'nameless', { role: 'charity' }), FN.recordDonation, [body])).to.be.rejectedWith(/^FORBIDDEN: .*names no charity/);
    await expect(net.submit(await who(MSP.charity, 'viewer', { role: 'verifier', charity: 'c1' }), FN.recordDonation, [body])).to.be.rejectedWith(/^FORBIDDEN: /);
    await expect(net.submit(await who(MSP.audit, 'fake', { role: 'charity,auditor', charity: 'c1' }), FN.recordDonation, [body])).to.be.rejectedWith(/^FORBIDDEN: /);
    const disb = JSON.stringify({ id: 'y1', projectId: 'p1', amount: 1, category: 'program' });
    await expect(net.submit(await staff('c2'), FN.recordDisbursement, [disb])).to.be.rejectedWith(/^FORBIDDEN: /);
  });

  it('validates amounts again in the chaincode: 0, negative, fractional, strings and > 10^12 are refused', async function () {
    for (const amount of [0, -5, 1.5, '100', 1_000_000_000_001, null, 2 ** 60]) {
      await expect(net.submit(await staff('c1'), FN.recordDonation, [JSON.stringify(donation('bad', 'p1', amount))])).to.be.rejectedWith(/^VALIDATION_FAILED: .*amount/);
      const disb = JSON.stringify({ id: 'bad', projectId: 'p1', amount, category: 'program' });
      await expect(net.submit(await staff('c1'), FN.recordDisbursement, [disb])).to.be.rejectedWith(/^VALIDATION_FAILED: .*amount/);
    }
  });

  it('refuses fields that could carry a name or ID number, and donors that are neither pseudonymous nor anonymous', async function () {
    const s = await staff('c1');
    await expect(net.submit(s, FN.recordDonation, [JSON.stringify(donation('pd1', 'p1', 1, { donorName: '张三' }))])).to.be.rejectedWith(/^VALIDATION_FAILED: .*unknown fields: donorName/);
    await expect(net.submit(s, FN.recordDonation, [JSON.stringify(donation('pd2', 'p1', 1, { donorRef: '110101199003070011' }))])).to.be.rejectedWith(/^VALIDATION_FAILED: .*donorRef/);
    await expect(net.submit(s, FN.recordDonation, [JSON.stringify({ id: 'pd3', projectId: 'p1', amount: 1 })])).to.be.rejectedWith(/^VALIDATION_FAILED: .*donorRef is required/);
    await expect(net.submit(s, FN.recordDonation, [JSON.stringify(donation('pd4', 'p1', 1, { anonymous: true }))])).to.be.rejectedWith(/^VALIDATION_FAILED: .*anonymous/);
    const disb = JSON.stringify({ id: 'pd5', projectId: 'p1', amount: 1, category: 'program', beneficiary: { name: '李四' } });
    await expect(net.submit(s, FN.recordDisbursement, [disb])).to.be.rejectedWith(/^VALIDATION_FAILED: .*unknown fields: beneficiary/);
  });

  it('dates money no later than the transaction and no more than three years before it', async function () {
    const s = await staff('c1');
    const future = new Date(Date.now() + 3600_000).toISOString();
    const old = new Date(Date.now() - 1100 * 86400_000).toISOString();
    await expect(net.submit(s, FN.recordDonation, [JSON.stringify(donation('dt1', 'p1', 1, { receivedAt: future }))])).to.be.rejectedWith(/^VALIDATION_FAILED: .*future/);
    await expect(net.submit(s, FN.recordDonation, [JSON.stringify(donation('dt2', 'p1', 1, { receivedAt: old }))])).to.be.rejectedWith(/^VALIDATION_FAILED: .*three years/);
    const ok = await submit<Donation>(s, FN.recordDonation, [donation('dt3', 'p1', 1, { receivedAt: new Date(Date.now() - 1000 * 86400_000).toISOString() })]);
    expect(ok.year).to.equal(businessYear(ok.receivedAt));
    expect(ok.recordedAt > ok.receivedAt).to.equal(true);
  });

  it('attributes business dates to the calendar year in China (UTC+8)', function () {
    expect(businessYear('2025-12-31T15:59:59.999Z')).to.equal(2025);
    expect(businessYear('2025-12-31T16:00:00.000Z')).to.equal(2026);
    expect(businessYear('2026-01-01T00:00:00+08:00')).to.equal(2026);
  });

  it('moves the FIFO head past spent donations, so a disbursement starts at the oldest one with money left', async function () {
    const s = await staff('c1');
    await submit(s, FN.createProject, [{ id: 'fifo', title: 'FIFO', targetAmount: 1000 }]);
    await submit(s, FN.importDonations, [[donation('f1', 'fifo', 10), donation('f2', 'fifo', 20), donation('f3', 'fifo', 30)]]);
    const a = await submit<Disbursement>(s, FN.recordDisbursement, [{ id: 'fa', projectId: 'fifo', amount: 30, category: 'program' }]);
    expect(a.sources).to.deep.equal([{ donationId: 'f1', amount: 10 }, { donationId: 'f2', amount: 20 }]);
    let p = await evaluate<Project>(await auditor(), FN.getProject, ['fifo']);
    expect(p).to.include({ fifoHead: 3, donationCount: 3, balance: 30, raised: 60, disbursed: 30 });
    await submit(s, FN.recordDisbursement, [{ id: 'fb', projectId: 'fifo', amount: 30, category: 'program' }]);
    p = await evaluate<Project>(await auditor(), FN.getProject, ['fifo']);
    expect(p).to.include({ fifoHead: 4, balance: 0 });
    await expect(net.submit(s, FN.recordDisbursement, [JSON.stringify({ id: 'fc', projectId: 'fifo', amount: 1, category: 'program' })])).to.be.rejectedWith(/^INSUFFICIENT_FUNDS: /);
    // A donation after everything was spent is the new head.
    await submit(s, FN.recordDonation, [donation('f4', 'fifo', 5)]);
    const d = await submit<Disbursement>(s, FN.recordDisbursement, [{ id: 'fd', projectId: 'fifo', amount: 5, category: 'management' }]);
    expect(d.sources).to.deep.equal([{ donationId: 'f4', amount: 5 }]);
  });

  it('imports a batch all or nothing: a project of another charity anywhere in it stops all of it', async function () {
    const s = await staff('c1');
    await expect(net.submit(s, FN.importDonations, [JSON.stringify([donation('b1', 'p1', 1), donation('b2', 'p2', 1)])])).to.be.rejectedWith(/^FORBIDDEN: /);
    await expect(net.evaluate(await auditor(), FN.getDonation, ['b1'])).to.be.rejectedWith(/^DONATION_NOT_FOUND: /);
    const over = Array.from({ length: 1001 }, (_, i) => donation(`o${i}`, 'p1', 1));
    await expect(net.submit(s, FN.importDonations, [JSON.stringify(over)])).to.be.rejectedWith(/^VALIDATION_FAILED: /);
    await expect(net.submit(s, FN.importDonations, [JSON.stringify([donation('tw', 'p1', 1), donation('tw', 'p1', 1)])])).to.be.rejectedWith(/^DUPLICATE_ID: /);
  });

  it('keeps per-charity, per-year totals that the annual report reads', async function () {
    const s = await staff('c2');
    const year = new Date().getUTCFullYear();
    const lastYear = `${year - 1}-07-01T00:00:00Z`;
    await submit(s, FN.createProject, [{ id: 'tot', title: 'Totals', targetAmount: 1000 }]);
    await submit(s, FN.importDonations, [[
      donation('t1', 'tot', 400, { receivedAt: lastYear }),
      donation('t2', 'tot', 600, { receivedAt: lastYear }),
      donation('t3', 'p2', 50, { receivedAt: lastYear }),
    ]]);
    await submit(s, FN.recordDisbursement, [{ id: 'tx1', projectId: 'tot', amount: 300, category: 'program', paidAt: lastYear }]);
    await submit(s, FN.recordDisbursement, [{ id: 'tx2', projectId: 'tot', amount: 200, category: 'management', paidAt: lastYear }]);
    const r = await evaluate<AnnualReport>(await auditor(), FN.annualReport, ['c2', String(year - 1)]);
    expect(r).to.deep.include({ income: 1050, previousYearIncome: 0, expenditure: { program: 300, management: 200, fundraising: 0, total: 500 }, counts: { donations: 3, disbursements: 2 } });
    expect(r.findings.map((f) => f.code)).to.deep.equal(['MANAGEMENT_COSTS_ABOVE_10_PERCENT']);
    await expect(net.evaluate(await staff('c1'), FN.annualReport, ['c2', String(year - 1)])).to.be.rejectedWith(/^FORBIDDEN: /);
    await expect(net.evaluate(await registrar(), FN.annualReport, ['c2', String(year - 1)])).to.be.rejectedWith(/^FORBIDDEN: /);
  });

  it('lets auditors, the civil registrar and the owning charity read records, and nobody else', async function () {
    for (const reader of [await auditor(), await registrar(), await staff('c1')]) {
      expect((await evaluate<Project>(reader, FN.getProject, ['p1'])).id).to.equal('p1');
    }
    for (const stranger of [await staff('c2'), await who(MSP.civil, 'clerk', { role: 'issuer' }), await who(MSP.audit, 'desk', { role: 'verifier' })]) {
      await expect(net.evaluate(stranger, FN.getProject, ['p1'])).to.be.rejectedWith(/^FORBIDDEN: /);
    }
  });

  it('refuses a donation that would push a running total past 2^53 − 1 fen with TOTAL_LIMIT_EXCEEDED', async function () {
    this.timeout(120_000);
    const s = await staff('c1');
    await submit(s, FN.createProject, [{ id: 'huge', title: 'Huge', targetAmount: 1 }]);
    const max = 1_000_000_000_000;
    const batches = Math.floor(Number.MAX_SAFE_INTEGER / max / 1000);
    for (let b = 0; b < batches; b++) {
      await submit(s, FN.importDonations, [Array.from({ length: 1000 }, (_, i) => ({ id: `h${b}-${i}`, projectId: 'huge', amount: max, anonymous: true }))]);
    }
    const p = await evaluate<Project>(await auditor(), FN.getProject, ['huge']);
    expect(p.raised).to.equal(batches * 1000 * max);
    // 7,199 billion yuan of room is left: seven more of the largest donations fit, the eighth does not.
    const more = (n: number, tag: string) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `h-${tag}-${i}`, projectId: 'huge', amount: max, anonymous: true })));
    await expect(net.submit(s, FN.importDonations, [more(8, 'a')])).to.be.rejectedWith(/^TOTAL_LIMIT_EXCEEDED: /);
    await net.submit(s, FN.importDonations, [more(7, 'b')]);
    await expect(net.submit(s, FN.recordDonation, [JSON.stringify({ id: 'h-c', projectId: 'huge', amount: max, anonymous: true })])).to.be.rejectedWith(/^TOTAL_LIMIT_EXCEEDED: /);
  });
  it("refuses a bookmark from another charity's export pages, so a charity calling the chaincode directly cannot page through it", async function () {
    const year = String(new Date().getUTCFullYear());
    await submit(await staff('c2'), FN.recordDonation, [donation('d-c2-cursor', 'p2', 10)]);
    const own = await evaluate<{ items: Array<{ id: string }> }>(await staff('c2'), FN.exportPage, ['c2', year, 'donations', '1', '']);
    expect(own.items).to.have.length(1);
    const foreign = `\u0000donation~year\u0000c2\u0000${year}\u0000`;
    await expect(net.evaluate(await staff('c1'), FN.exportPage, ['c1', year, 'donations', '10', foreign])).to.be.rejectedWith(/^VALIDATION_FAILED: cursor does not belong/);
    await expect(net.evaluate(await staff('c1'), FN.exportPage, ['c1', year, 'donations', '10', '\u0000'])).to.be.rejectedWith(/^VALIDATION_FAILED: cursor/);
  });

  it('refuses personal data in a disbursement payee or memo, and date-times without an offset, in the chaincode itself', async function () {
    await submit(await staff('c1'), FN.recordDonation, [donation('d-c1-pd', 'p1', 1_000)]);
    const base = { id: 'x-pd', projectId: 'p1', amount: 1, category: 'program' };
    await expect(net.submit(await staff('c1'), FN.recordDisbursement, [JSON.stringify({ ...base, memo: '110101199003070055' })])).to.be.rejectedWith(/^PERSONAL_DATA_REFUSED: memo/);
    await expect(net.submit(await staff('c1'), FN.recordDisbursement, [JSON.stringify({ ...base, payee: '张三 13812345678' })])).to.be.rejectedWith(/^PERSONAL_DATA_REFUSED: payee/);
    await expect(net.submit(await staff('c1'), FN.recordDisbursement, [JSON.stringify({ ...base, memo: '打款至 6222 0210 0112 3456 789' })])).to.be.rejectedWith(/^PERSONAL_DATA_REFUSED: memo/);
    await expect(net.submit(await staff('c1'), FN.recordDisbursement, [JSON.stringify({ ...base, paidAt: '2026-01-02T08:00:00' })])).to.be.rejectedWith(/^VALIDATION_FAILED: paidAt/);
    await expect(net.submit(await staff('c1'), FN.recordDisbursement, [JSON.stringify({ ...base, paidAt: '2026-02-30' })])).to.be.rejectedWith(/^VALIDATION_FAILED: paidAt/);
  });
});

describe('art. 60/61 compliance findings', function () {
  it('flags program spending below 70% of the previous year and management above 10%, with exact integer thresholds', function () {
    expect(complianceFindings(2025, { previous: 1000 }, { program: 700, management: 100, total: 1000 })).to.deep.equal([]);
    const both = complianceFindings(2025, { previous: 1000 }, { program: 699, management: 101, total: 1000 });
    expect(both.map((f) => f.code)).to.deep.equal(['PROGRAM_SPENDING_BELOW_70_PERCENT', 'MANAGEMENT_COSTS_ABOVE_10_PERCENT']);
    expect(both[0].figures).to.include({ program: 699, previousYearIncome: 1000, required: 700, shortfall: 1 });
    expect(both[1].figures).to.include({ management: 101, total: 1000, allowed: 100, excess: 1 });
    // 70% of 1001 is 700.7: 700 falls short and 701 does not.
    expect(complianceFindings(2025, { previous: 1001 }, { program: 700, management: 0, total: 700 })).to.have.length(1);
    expect(complianceFindings(2025, { previous: 1001 }, { program: 701, management: 0, total: 701 })).to.have.length(0);
  });

  it('has nothing to measure without previous-year income or spending', function () {
    expect(complianceFindings(2025, { previous: 0 }, { program: 0, management: 0, total: 0 })).to.deep.equal([]);
  });

  it('gives each ratio its standing, from the same exact comparisons as the findings', function () {
    expect(complianceStandings({ previous: 1000 }, { program: 700, management: 100, total: 1000 })).to.deep.equal({ program: 'meets', management: 'meets' });
    expect(complianceStandings({ previous: 1000 }, { program: 699, management: 101, total: 1000 })).to.deep.equal({ program: 'fails', management: 'fails' });
    expect(complianceStandings({ previous: 1001 }, { program: 700, management: 0, total: 700 })).to.deep.equal({ program: 'fails', management: 'meets' });
    expect(complianceStandings({ previous: 0 }, { program: 5, management: 0, total: 0 })).to.deep.equal({ program: 'none', management: 'none' });
  });

  it('compares figures beyond 2^53 exactly', function () {
    const big = Number.MAX_SAFE_INTEGER;
    expect(complianceFindings(2025, { previous: big }, { program: big, management: 0, total: big })).to.deep.equal([]);
    const f = complianceFindings(2025, { previous: big }, { program: Math.floor(big * 0.69), management: 0, total: Math.floor(big * 0.69) });
    expect(f.map((x) => x.code)).to.deep.equal(['PROGRAM_SPENDING_BELOW_70_PERCENT']);
  });
});
