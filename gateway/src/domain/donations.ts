import { randomUUID } from 'node:crypto';
import { FN, MAX_BATCH } from '../../../chaincode/src/functions';
import { parseDisbursementInput, parseDonationInput } from '../../../chaincode/src/donation-input';
import {
  type Disbursement,
  type Donation,
  type Project,
  type RecordDisbursementInput,
  type RecordDonationInput,
} from '../../../chaincode/src/models';
import type { SigningIdentity } from '../../../network/pki/types';
import { alreadyWritten, read, write, writeOnce } from './calls';
import { requireActingCharity } from './charities';
import type { DomainContext } from './context';
import { compareItems, comparison, readRecords, sameInstant, type Comparison } from './compare';
import { booleanField, objectField, personField } from './input';
import { limitPersonLookups } from './person-lookups';
import { CodedError, invalid } from '../../../chaincode/src/errors';

/**
 * Every donation and disbursement writes its project and its charity's
 * totals for the year: hot keys. Under MVCC only one concurrent writer of a
 * key commits per block and the rest fail, so this gateway queues a
 * charity's writes and submits them one after another. The bounded MVCC
 * retries stay as the fallback for writers on other gateways.
 */
function serialised<T>(ctx: DomainContext, charityId: string, work: () => Promise<T>): Promise<T> {
  return ctx.state.charityWrites.run(charityId, work);
}

/**
 * The caller's charity, after checking that it owns every project named: a
 * friendly early 403 (or 404); the chaincode checks again from the caller's
 * certificate.
 */
async function requireOwnProjects(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, projectIds: Iterable<string>): Promise<string> {
  const charityId = requireActingCharity(charity);
  const cache = ctx.state.projectOwners;
  for (const projectId of new Set(projectIds)) {
    let owner = cache.get(projectId);
    if (owner === undefined) {
      owner = (await read<Project>(ctx, who, FN.getProject, [projectId])).charityId;
      cache.set(projectId, owner);
    }
    if (owner !== charityId) throw new CodedError('FORBIDDEN', `project ${projectId} belongs to another charity`);
  }
  return charityId;
}

/**
 * Turns a donation request into what the chaincode gets: the donor's ID
 * number becomes a pseudonym here (one of `charityId`'s donors: it links to
 * nothing outside that charity), and the donor's name goes nowhere. The
 * result then passes the chaincode's own input rules, for an early 400.
 */
function donationInput(ctx: DomainContext, charityId: string, body: unknown, where: string): RecordDonationInput {
  const b = objectField(body, where);
  const donor = objectField(b.donor, `${where}.donor`);
  const anonymous = booleanField(donor.anonymous, `${where}.donor.anonymous`, { optional: true }) ?? false;
  if (!anonymous && (donor.idNumber === undefined || donor.idNumber === null)) {
    throw invalid(`${where}.donor.idNumber is required unless donor.anonymous is true`);
  }
  // An anonymous donor's document is still checked, so a typo is refused rather than silently dropped.
  const document = donor.idNumber === undefined || donor.idNumber === null ? undefined : personField(donor, `${where}.donor`);
  return parseDonationInput(
    {
      id: b.id ?? randomUUID(),
      projectId: b.projectId,
      amount: b.amount,
      anonymous,
      donorRef: anonymous || !document ? undefined : ctx.pseudonyms.donor(charityId, document),
      channel: b.channel ?? undefined,
      receivedAt: b.receivedAt ?? undefined,
    },
    where,
  );
}

/** A disbursement request as the chaincode gets it: the beneficiary becomes a pseudonym, the rest passes the chaincode's rules. */
function disbursementInput(ctx: DomainContext, body: unknown): RecordDisbursementInput {
  const b = objectField(body, 'body');
  const beneficiary = b.beneficiary === undefined || b.beneficiary === null ? undefined : personField(b.beneficiary, 'beneficiary');
  const digest = typeof b.evidenceDigest === 'string' ? b.evidenceDigest.toLowerCase() : b.evidenceDigest;
  return parseDisbursementInput({
    id: b.id ?? randomUUID(),
    projectId: b.projectId,
    amount: b.amount,
    category: b.category,
    beneficiaryRef: beneficiary ? ctx.pseudonyms.beneficiary(beneficiary) : undefined,
    payee: b.payee ?? undefined,
    evidenceDigest: digest ?? undefined,
    memo: b.memo ?? undefined,
    paidAt: b.paidAt ?? undefined,
  });
}


/** Records one donation for the caller's charity. */
export async function recordDonation(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown) {
  const input = donationInput(ctx, requireActingCharity(charity), body, 'body');
  const charityId = await requireOwnProjects(ctx, who, charity, [input.projectId]);
  const w = await writeOnce(
    [input.id],
    () => serialised(ctx, charityId, () => write<Donation>(ctx, who, FN.recordDonation, [JSON.stringify(input)])),
    () => alreadyWritten(ctx, getDonation(ctx, who, input.id)),
  );
  return { id: w.value.id, donation: w.value, txId: w.txId, blockNumber: w.blockNumber };
}

/** Records 1..1000 donations in one transaction, all or nothing (imports from payment platforms, the demo seed). */
export async function importDonations(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown) {
  const b = objectField(body, 'body');
  if (!Array.isArray(b.items) || b.items.length === 0 || b.items.length > MAX_BATCH) {
    throw invalid(`items must be an array of 1 to ${MAX_BATCH} donations`);
  }
  const acting = requireActingCharity(charity);
  const inputs = b.items.map((item, i) => donationInput(ctx, acting, item, `items[${i}]`));
  const charityId = await requireOwnProjects(ctx, who, charity, inputs.map((i) => i.projectId));
  const w = await writeOnce(
    inputs.map((i) => i.id),
    () => serialised(ctx, charityId, () => write<Donation[]>(ctx, who, FN.importDonations, [JSON.stringify(inputs)])),
    async () => {
      const all = await Promise.all(inputs.map((i) => getDonation(ctx, who, i.id)));
      const first = await alreadyWritten(ctx, Promise.resolve(all[0]));
      return { ...first, value: all };
    },
  );
  return { items: w.value.map((donation) => ({ id: donation.id, donation })), txId: w.txId, blockNumber: w.blockNumber };
}

/** The fields a donation comparison names. */
export type DonationField = 'projectId' | 'amount' | 'donor' | 'channel' | 'receivedAt' | 'charity';

/**
 * Compares 1..1000 donation requests (the items of a batch) with what the
 * ledger holds under their ids, for an importer that reruns a file: a
 * record counts as "same" only when its project, amount and donor (the
 * anonymous flag, or the donor's pseudonym for the caller's charity) are the
 * request's, and its channel and business date too when the request names
 * them. A donation of another charity is "different" in `charity` and
 * nothing else is said about it. Each row whose donor did not match counts
 * as a look-up by ID number against `user`'s allowance.
 */
export async function compareDonations(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, user: string, body: unknown): Promise<{ items: Array<Comparison<DonationField>> }> {
  const acting = requireActingCharity(charity);
  const rows = compareItems(body, 'donations').map(({ item, where }) => donationInput(ctx, acting, item, where));
  // The chaincode lets a charity read its own donations only: FORBIDDEN means another charity's.
  const found = await readRecords<Donation>(ctx, who, FN.getDonation, rows.map((r) => r.id), 'DONATION_NOT_FOUND', ['FORBIDDEN']);
  let misses = 0;
  const items = rows.map((row, i): Comparison<DonationField> => {
    const read = found[i];
    if (read.kind === 'absent') return { id: row.id, state: 'absent' };
    if (read.kind === 'refused' || read.record.charityId !== acting) return comparison(row.id, ['charity']);
    const record = read.record;
    const differs: DonationField[] = [];
    if (record.projectId !== row.projectId) differs.push('projectId');
    if (record.amount !== row.amount) differs.push('amount');
    if (row.anonymous ? !record.anonymous : record.anonymous || record.donorRef !== row.donorRef) {
      differs.push('donor');
      if (!row.anonymous) misses++;
    }
    if (row.channel !== undefined && record.channel !== row.channel) differs.push('channel');
    if (row.receivedAt !== undefined && !sameInstant(record.receivedAt, row.receivedAt)) differs.push('receivedAt');
    return comparison(row.id, differs);
  });
  limitPersonLookups(ctx, user, Date.now(), misses);
  return { items };
}

/** Records a disbursement for the caller's charity; the chaincode picks its sources FIFO. */
export async function recordDisbursement(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown) {
  const input = disbursementInput(ctx, body);
  const charityId = await requireOwnProjects(ctx, who, charity, [input.projectId]);
  const w = await writeOnce(
    [input.id],
    () => serialised(ctx, charityId, () => write<Disbursement>(ctx, who, FN.recordDisbursement, [JSON.stringify(input)])),
    () => alreadyWritten(ctx, getDisbursement(ctx, who, input.id)),
  );
  return { id: w.value.id, disbursement: w.value, txId: w.txId, blockNumber: w.blockNumber };
}

/** A donation with what is left of it; the chaincode decides who may read it. */
export function getDonation(ctx: DomainContext, who: SigningIdentity, id: string): Promise<Donation> {
  return read<Donation>(ctx, who, FN.getDonation, [id]);
}

/** A disbursement with its sources; the chaincode decides who may read it. */
export function getDisbursement(ctx: DomainContext, who: SigningIdentity, id: string): Promise<Disbursement> {
  return read<Disbursement>(ctx, who, FN.getDisbursement, [id]);
}
