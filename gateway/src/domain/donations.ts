import { randomUUID } from 'node:crypto';
import { FN, MAX_BATCH } from '../../../chaincode/src/functions';
import {
  DISBURSEMENT_CATEGORIES,
  type Disbursement,
  type DisbursementCategory,
  type Donation,
  type Project,
  type RecordDisbursementInput,
  type RecordDonationInput,
} from '../../../chaincode/src/models';
import type { SigningIdentity } from '../../../network/pki/types';
import { pseudonym } from '../credentials/holder-ref';
import { rememberBlock } from './block-numbers';
import { read, write, type Written } from './calls';
import { requireActingCharity } from './charities';
import type { DomainContext } from './context';
import { ID_NUMBER_PATTERN, ID_PATTERN, amountField, booleanField, dateTimeField, objectField, requiredString, stringField } from './input';
import { KeyedMutex } from './keyed-mutex';
import { CodedError, invalid } from '../../../chaincode/src/errors';

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** One queue per charity and gateway (see {@link serialised}). */
const queues = new WeakMap<DomainContext, KeyedMutex>();
/** A project's charity never changes, so it is cached once read. */
const owners = new WeakMap<DomainContext, Map<string, string>>();

/**
 * Every donation and disbursement writes its project and its charity's
 * totals for the year: hot keys. Under MVCC only one concurrent writer of a
 * key commits per block and the rest fail, so this gateway queues a
 * charity's writes and submits them one after another. The bounded MVCC
 * retries stay as the fallback for writers on other gateways.
 */
function serialised<T>(ctx: DomainContext, charityId: string, work: () => Promise<T>): Promise<T> {
  let q = queues.get(ctx);
  if (!q) queues.set(ctx, (q = new KeyedMutex()));
  return q.run(`charity\u0000${charityId}`, work);
}

/**
 * The caller's charity, after checking that it owns every project named: a
 * friendly early 403 (or 404); the chaincode checks again from the caller's
 * certificate.
 */
async function requireOwnProjects(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, projectIds: Iterable<string>): Promise<string> {
  const charityId = requireActingCharity(charity);
  let cache = owners.get(ctx);
  if (!cache) owners.set(ctx, (cache = new Map()));
  for (const projectId of new Set(projectIds)) {
    let owner = cache.get(projectId);
    if (owner === undefined) {
      owner = (await read<Project>(ctx, who, FN.getProject, [projectId])).charityId;
      if (cache.size >= 100_000) cache.clear();
      cache.set(projectId, owner);
    }
    if (owner !== charityId) throw new CodedError('FORBIDDEN', `project ${projectId} belongs to another charity`);
  }
  return charityId;
}

/**
 * Turns a donation request into what the chaincode gets: the donor's ID
 * number becomes a pseudonym here, and the donor's name goes nowhere.
 */
function donationInput(ctx: DomainContext, body: unknown, where: string): RecordDonationInput {
  const b = objectField(body, where);
  const donor = objectField(b.donor, `${where}.donor`);
  const anonymous = booleanField(donor.anonymous, `${where}.donor.anonymous`, { optional: true }) ?? false;
  stringField(donor.name, `${where}.donor.name`, { max: 200, optional: true });
  const idNumber = stringField(donor.idNumber, `${where}.donor.idNumber`, { max: 64, pattern: ID_NUMBER_PATTERN, optional: true });
  if (!anonymous && idNumber === undefined) throw invalid(`${where}.donor.idNumber is required unless donor.anonymous is true`);
  return {
    id: stringField(b.id, `${where}.id`, { max: 128, pattern: ID_PATTERN, optional: true }) ?? randomUUID(),
    projectId: requiredString(b.projectId, `${where}.projectId`, { max: 128, pattern: ID_PATTERN }),
    amount: amountField(b.amount, `${where}.amount`),
    anonymous,
    donorRef: anonymous || idNumber === undefined ? undefined : pseudonym(ctx.pepper, idNumber),
    channel: stringField(b.channel, `${where}.channel`, { max: 64, pattern: ID_PATTERN, optional: true }),
    receivedAt: dateTimeField(b.receivedAt, `${where}.receivedAt`),
  };
}

function disbursementInput(ctx: DomainContext, body: unknown): RecordDisbursementInput {
  const b = objectField(body, 'body');
  if (typeof b.category !== 'string' || !DISBURSEMENT_CATEGORIES.includes(b.category as DisbursementCategory)) {
    throw invalid(`category must be one of ${DISBURSEMENT_CATEGORIES.join(', ')}`);
  }
  let beneficiaryRef: string | undefined;
  if (b.beneficiary !== undefined && b.beneficiary !== null) {
    const person = objectField(b.beneficiary, 'beneficiary');
    stringField(person.name, 'beneficiary.name', { max: 200, optional: true });
    beneficiaryRef = pseudonym(ctx.pepper, requiredString(person.idNumber, 'beneficiary.idNumber', { max: 64, pattern: ID_NUMBER_PATTERN }));
  }
  return {
    id: stringField(b.id, 'id', { max: 128, pattern: ID_PATTERN, optional: true }) ?? randomUUID(),
    projectId: requiredString(b.projectId, 'projectId', { max: 128, pattern: ID_PATTERN }),
    amount: amountField(b.amount, 'amount'),
    category: b.category as DisbursementCategory,
    beneficiaryRef,
    payee: stringField(b.payee, 'payee', { max: 200, optional: true }),
    evidenceDigest: stringField(b.evidenceDigest, 'evidenceDigest', { pattern: HEX64, optional: true })?.toLowerCase(),
    memo: stringField(b.memo, 'memo', { max: 500, optional: true }),
    paidAt: dateTimeField(b.paidAt, 'paidAt'),
  };
}

function landed<T>(ctx: DomainContext, w: Written<T>): Written<T> {
  rememberBlock(ctx, w.txId, w.blockNumber);
  return w;
}

/** Records one donation for the caller's charity. */
export async function recordDonation(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown) {
  const input = donationInput(ctx, body, 'body');
  const charityId = await requireOwnProjects(ctx, who, charity, [input.projectId]);
  const w = landed(ctx, await serialised(ctx, charityId, () => write<Donation>(ctx, who, FN.recordDonation, [JSON.stringify(input)])));
  return { id: w.value.id, donation: w.value, txId: w.txId, blockNumber: w.blockNumber };
}

/** Records 1..1000 donations in one transaction, all or nothing (imports from payment platforms, the demo seed). */
export async function importDonations(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown) {
  const b = objectField(body, 'body');
  if (!Array.isArray(b.items) || b.items.length === 0 || b.items.length > MAX_BATCH) {
    throw invalid(`items must be an array of 1 to ${MAX_BATCH} donations`);
  }
  const inputs = b.items.map((item, i) => donationInput(ctx, item, `items[${i}]`));
  const charityId = await requireOwnProjects(ctx, who, charity, inputs.map((i) => i.projectId));
  const w = landed(ctx, await serialised(ctx, charityId, () => write<Donation[]>(ctx, who, FN.importDonations, [JSON.stringify(inputs)])));
  return { items: w.value.map((donation) => ({ id: donation.id, donation })), txId: w.txId, blockNumber: w.blockNumber };
}

/** Records a disbursement for the caller's charity; the chaincode picks its sources FIFO. */
export async function recordDisbursement(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown) {
  const input = disbursementInput(ctx, body);
  const charityId = await requireOwnProjects(ctx, who, charity, [input.projectId]);
  const w = landed(ctx, await serialised(ctx, charityId, () => write<Disbursement>(ctx, who, FN.recordDisbursement, [JSON.stringify(input)])));
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
