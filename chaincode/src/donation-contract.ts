import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, txTime } from './access';
import { businessYear, requireBusinessDate } from './business-date';
import { actingCharity, requireReader } from './charity-access';
import { KEYS, WorkingSet, emptyTotals, entityKey, getDisbursement, getDonation, seqPart, totalsKey } from './charity-state';
import { canonicalJson, encode } from './codec';
import { CodedError } from './errors';
import { EVENTS } from './events';
import { CONTRACTS, MAX_BATCH } from './functions';
import { addFen } from './money';
import {
  type CharityYearTotals,
  type Disbursement,
  type DisbursementSource,
  type Donation,
  type Project,
  type RecordDonationInput,
} from './models';
import { INDEX_VALUE, exists, key } from './state';
import { parseDisbursementInput, parseDonationInput } from './donation-input';
import { parseArg } from './validate';

async function ownProject(ws: WorkingSet, ctx: Context, projectId: string, charityId: string): Promise<Project> {
  const project = await ws.must<Project>(entityKey(ctx, 'project', projectId), 'PROJECT_NOT_FOUND', `project ${projectId}`);
  if (project.charityId !== charityId) throw new CodedError('FORBIDDEN', `project ${projectId} belongs to another charity`);
  return project;
}

async function totalsOf(ws: WorkingSet, ctx: Context, charityId: string, year: number): Promise<CharityYearTotals> {
  return (await ws.get<CharityYearTotals>(totalsKey(ctx, charityId, year))) ?? emptyTotals(charityId, year);
}

/**
 * Donations and disbursements. Every disbursement consumes its project's
 * unspent donations FIFO by recording order, records them as `sources` and
 * lowers each donation's `remaining`; a project never pays out more than it
 * received. Each write also updates the charity's totals for the business
 * year, which the annual report reads.
 */
@Info({ title: 'Donations', description: 'Donations, disbursements and their FIFO attribution' })
export class DonationContract extends Contract {
  constructor() {
    super(CONTRACTS.donations);
  }

  /** Records one donation to a project of the caller's charity. */
  @Transaction()
  @Returns('string')
  async RecordDonation(ctx: Context, inputJson: string): Promise<string> {
    const input = parseDonationInput(parseArg<unknown>('donation', inputJson), 'donation');
    const [donation] = await this.recordAll(ctx, [input]);
    ctx.stub.setEvent(EVENTS.donationRecorded, encode({ id: donation.id, projectId: donation.projectId, charityId: donation.charityId, amount: donation.amount, timestamp: donation.recordedAt }));
    return canonicalJson(donation);
  }

  /** Records 1..1000 donations in one transaction, all or nothing, under the same rules. */
  @Transaction()
  @Returns('string')
  async ImportDonations(ctx: Context, inputsJson: string): Promise<string> {
    const raw = parseArg<unknown>('items', inputsJson);
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_BATCH) {
      throw new CodedError('VALIDATION_FAILED', `items must be an array of 1 to ${MAX_BATCH} donations`);
    }
    const inputs = raw.map((r, i) => parseDonationInput(r, `items[${i}]`));
    const donations = await this.recordAll(ctx, inputs);
    ctx.stub.setEvent(EVENTS.donationsImported, encode({ items: donations.map((d) => ({ id: d.id, projectId: d.projectId, charityId: d.charityId, amount: d.amount })), timestamp: txTime(ctx) }));
    return canonicalJson(donations);
  }

  /** Records a disbursement, paid from the project's oldest unspent donations. */
  @Transaction()
  @Returns('string')
  async RecordDisbursement(ctx: Context, inputJson: string): Promise<string> {
    const charityId = actingCharity(ctx);
    const input = parseDisbursementInput(parseArg<unknown>('disbursement', inputJson));
    const ws = new WorkingSet(ctx);
    const project = await ownProject(ws, ctx, input.projectId, charityId);
    const k = entityKey(ctx, 'disbursement', input.id);
    if (await exists(ctx, k)) throw new CodedError('DUPLICATE_ID', `disbursement ${input.id} already exists`);
    const now = txTime(ctx);
    const paidAt = requireBusinessDate('paidAt', input.paidAt, now);
    if (input.amount > project.balance) {
      throw new CodedError('INSUFFICIENT_FUNDS', `project ${project.id} has ${project.balance} fen left; the disbursement needs ${input.amount}`);
    }
    const txId = ctx.stub.getTxID();
    const sources = await this.consume(ctx, ws, project, input.amount, input.id);
    const year = businessYear(paidAt);
    const totals = await totalsOf(ws, ctx, charityId, year);
    const { program, management, fundraising } = totals.expenditure;
    // The report adds the three categories up; their sum stays exact too.
    addFen(`${year} total spending of charity ${charityId}`, program + management + fundraising, input.amount);
    const disbursement: Disbursement = {
      id: input.id,
      projectId: project.id,
      charityId,
      amount: input.amount,
      category: input.category,
      beneficiaryRef: input.beneficiaryRef,
      payee: input.payee,
      evidenceDigest: input.evidenceDigest,
      memo: input.memo,
      sources: sources.taken,
      paidAt,
      year,
      recordedAt: now,
      recordedBy: actorOf(ctx),
      txId,
    };
    ws.set(k, disbursement);
    ws.set(entityKey(ctx, 'project', project.id), {
      ...project,
      disbursed: addFen(`project ${project.id} disbursed total`, project.disbursed, input.amount),
      balance: project.balance - input.amount,
      fifoHead: sources.head,
      updatedAt: now,
    } satisfies Project);
    ws.set(totalsKey(ctx, charityId, year), {
      ...totals,
      expenditure: { ...totals.expenditure, [input.category]: addFen(`${year} ${input.category} spending`, totals.expenditure[input.category], input.amount) },
      disbursementCount: totals.disbursementCount + 1,
    } satisfies CharityYearTotals);
    await ws.flush();
    await ctx.stub.putState(key(ctx, KEYS.disbursementByYear, [charityId, String(year), seqPart(totals.disbursementCount + 1), input.id]), INDEX_VALUE);
    ctx.stub.setEvent(EVENTS.disbursementRecorded, encode({ id: input.id, projectId: project.id, charityId, amount: input.amount, category: input.category, timestamp: now }));
    return canonicalJson(disbursement);
  }

  /** A donation with what is left of it (auditors, the civil registrar, the owning charity). */
  @Transaction(false)
  @Returns('string')
  async GetDonation(ctx: Context, id: string): Promise<string> {
    const donation = await getDonation(ctx, id);
    requireReader(ctx, donation.charityId);
    return canonicalJson(donation);
  }

  /** A disbursement with its sources (auditors, the civil registrar, the owning charity). */
  @Transaction(false)
  @Returns('string')
  async GetDisbursement(ctx: Context, id: string): Promise<string> {
    const disbursement = await getDisbursement(ctx, id);
    requireReader(ctx, disbursement.charityId);
    return canonicalJson(disbursement);
  }

  /**
   * Records donations in order. A batch may hold several donations to one
   * project and year, so the project and totals live in a working set and
   * are written once.
   */
  private async recordAll(ctx: Context, inputs: RecordDonationInput[]): Promise<Donation[]> {
    const charityId = actingCharity(ctx);
    const seen = new Set<string>();
    for (const input of inputs) {
      if (seen.has(input.id)) throw new CodedError('DUPLICATE_ID', `donation ${input.id} appears twice in the batch`);
      seen.add(input.id);
    }
    const existing = await Promise.all(inputs.map((i) => exists(ctx, entityKey(ctx, 'donation', i.id))));
    const taken = existing.indexOf(true);
    if (taken >= 0) throw new CodedError('DUPLICATE_ID', `donation ${inputs[taken].id} already exists`);

    const ws = new WorkingSet(ctx);
    const now = txTime(ctx);
    const actor = actorOf(ctx);
    const txId = ctx.stub.getTxID();
    const donations: Donation[] = [];
    const indexKeys: string[] = [];
    for (const [i, input] of inputs.entries()) {
      const where = inputs.length === 1 ? 'receivedAt' : `items[${i}].receivedAt`;
      const receivedAt = requireBusinessDate(where, input.receivedAt, now);
      const year = businessYear(receivedAt);
      const projectKey = entityKey(ctx, 'project', input.projectId);
      const project = await ownProject(ws, ctx, input.projectId, charityId);
      const totals = await totalsOf(ws, ctx, charityId, year);
      const seq = project.donationCount + 1;
      const donation: Donation = {
        id: input.id,
        projectId: project.id,
        charityId,
        amount: input.amount,
        remaining: input.amount,
        donorRef: input.donorRef,
        anonymous: input.anonymous,
        channel: input.channel,
        seq,
        receivedAt,
        year,
        recordedAt: now,
        recordedBy: actor,
        txId,
      };
      // fifoHead needs no change: when every earlier donation is spent it already points at `seq`.
      ws.set(projectKey, {
        ...project,
        raised: addFen(`project ${project.id} raised total`, project.raised, input.amount),
        balance: addFen(`project ${project.id} balance`, project.balance, input.amount),
        donationCount: seq,
        updatedAt: now,
      } satisfies Project);
      ws.set(totalsKey(ctx, charityId, year), {
        ...totals,
        income: addFen(`${year} income of charity ${charityId}`, totals.income, input.amount),
        donationCount: totals.donationCount + 1,
      } satisfies CharityYearTotals);
      ws.set(entityKey(ctx, 'donation', donation.id), donation);
      ws.set(key(ctx, KEYS.fifo, [project.id, seqPart(seq)]), donation.id);
      indexKeys.push(key(ctx, KEYS.donationByYear, [charityId, String(year), seqPart(totals.donationCount + 1), donation.id]));
      donations.push(donation);
    }
    await ws.flush();
    for (const k of indexKeys) await ctx.stub.putState(k, INDEX_VALUE);
    return donations;
  }

  /**
   * Takes `amount` from the project's donations, oldest first, starting at
   * the FIFO head: point reads only, as many as the donations it touches.
   * Returns the shares taken and the new head.
   */
  private async consume(ctx: Context, ws: WorkingSet, project: Project, amount: number, disbursementId: string): Promise<{ taken: DisbursementSource[]; head: number }> {
    const taken: DisbursementSource[] = [];
    let need = amount;
    let seq = project.fifoHead;
    while (need > 0) {
      if (seq > project.donationCount) {
        // The balance said the money was there; running out means the records disagree.
        throw new CodedError('INTERNAL', `project ${project.id}: balance ${project.balance} is not backed by its donations`);
      }
      const donationId = await ws.get<string>(key(ctx, KEYS.fifo, [project.id, seqPart(seq)]));
      if (donationId === undefined) throw new CodedError('INTERNAL', `project ${project.id}: donation #${seq} is missing`);
      const dk = entityKey(ctx, 'donation', donationId);
      const donation = await ws.must<Donation>(dk, 'DONATION_NOT_FOUND', `donation ${donationId}`);
      const share = Math.min(donation.remaining, need);
      if (share > 0) {
        ws.set(dk, { ...donation, remaining: donation.remaining - share } satisfies Donation);
        ws.set(key(ctx, KEYS.allocation, [donationId, disbursementId]), { amount: share });
        taken.push({ donationId, amount: share });
        need -= share;
      }
      if (donation.remaining - share === 0) seq++;
    }
    return { taken, head: seq };
  }
}
