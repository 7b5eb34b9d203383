import { randomUUID } from 'node:crypto';
import { FN, MAX_BATCH } from '../../../chaincode/src/functions';
import { requireIssuerOf } from '../../../chaincode/src/certificate-type-rules';
import { optionalStatus, requireStatusReason, type StatusAction } from '../../../chaincode/src/lifecycle';
import type { CertificateHistoryEntry, CertificateRecord, Page } from '../../../chaincode/src/models';
import { requireId } from '../../../chaincode/src/validate';
import { ORG_NAMES, orgOfMsp } from '../../../chaincode/src/models';
import { describeProblems, schemaErrors } from '../../../chaincode/src/schema';
import type { SigningIdentity } from '../../../network/pki/types';
import { read, write } from './calls';
import type { DomainContext } from './context';
import { limitPersonLookups } from './person-lookups';
import { compareItems, comparison, readRecords, sameInstant, type Comparison } from './compare';
import { decodeCursor, encodeCursor, limitField, objectField, optionalDateTime, optionalId, personField } from './input';
import { anchorBatch, anchorOne, type AnchoredBatch, type CredentialKeeper, type Draft } from './issuance';
import { blockNumberOf } from './block-numbers';
import { digestOf } from '../credentials/vc';
import { findType } from './registry';
import { CodedError, invalid } from '../../../chaincode/src/errors';

/** Validates one issuance request, checks claims against the type's schema, and builds the credential. */
async function prepare(ctx: DomainContext, mspId: string, body: unknown, where: string): Promise<Draft> {
  const b = objectField(body, where);
  const type = requireId(`${where}.type`, b.type);
  const holder = personField(b.holder, `${where}.holder`, { nameRequired: true });
  const claims = b.claims === undefined ? {} : objectField(b.claims, `${where}.claims`);
  const id = optionalId(b.id, `${where}.id`) ?? randomUUID();
  const validFrom = optionalDateTime(b.validFrom, `${where}.validFrom`) ?? new Date().toISOString();
  const validUntil = optionalDateTime(b.validUntil, `${where}.validUntil`);
  if (validUntil !== undefined && validUntil <= validFrom) throw invalid(`${where}.validUntil must be after validFrom`);

  const certType = await findType(ctx, type);
  if (!certType) throw invalid(`${where}.type '${type}' is not a registered certificate type`);
  requireIssuerOf(certType, mspId);
  const problems = schemaErrors(certType.schema, claims);
  if (problems.length > 0) throw invalid(`${where}.claims do not match the ${type} schema: ${describeProblems(problems)}`);

  const key = ctx.keyStores.get(mspId)?.active();
  if (!key) {
    throw new CodedError('KEY_NOT_ACTIVE', `this gateway holds no active signing key for ${mspId}; an admin of that organisation registers one with POST /api/v1/issuers/keys/rotate`);
  }
  const holderRef = ctx.pseudonyms.holder(holder);
  const org = orgOfMsp(mspId);
  const credential = {
    id,
    type,
    issuerMsp: mspId,
    issuerName: org ? ORG_NAMES[org] : mspId,
    holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name ?? '' },
    claims,
    validFrom,
    validUntil,
  };
  const claimsRef = ctx.pseudonyms.claims(id, holder, type, claims);
  return { input: { id, type, issuerKid: key.kid, holderRef, claimsRef, validFrom, validUntil }, credential, key };
}

/** Issues one certificate: sign the VC, anchor its digest (see {@link anchorOne}). */
export async function issue(ctx: DomainContext, who: SigningIdentity, body: unknown, keeper?: CredentialKeeper) {
  const draft = { ...(await prepare(ctx, who.mspId, body, 'body')), keeper };
  try {
    return await anchorOne(ctx, who, draft);
  } catch (err) {
    const [again] = await keptAnswers(ctx, who, err, keeper, [draft]);
    return { ...again.items[0], txId: again.txId, blockNumber: again.blockNumber };
  }
}

/** Issues 1..1000 certificates in one transaction: all or nothing. */
export async function issueBatch(ctx: DomainContext, who: SigningIdentity, body: unknown, keeper?: CredentialKeeper) {
  const b = objectField(body, 'body');
  if (!Array.isArray(b.items) || b.items.length === 0 || b.items.length > MAX_BATCH) {
    throw invalid(`items must be an array of 1 to ${MAX_BATCH} certificates`);
  }
  const drafts: Draft[] = [];
  for (let i = 0; i < b.items.length; i++) drafts.push({ ...(await prepare(ctx, who.mspId, b.items[i], `items[${i}]`)), keeper });
  try {
    return await anchorBatch(ctx, who, drafts);
  } catch (err) {
    return (await keptAnswers(ctx, who, err, keeper, drafts))[0];
  }
}

/**
 * The answer of an earlier attempt of this very request, when `err` says
 * its certificates are already on the ledger (DUPLICATE_ID) and the keeper
 * holds, for every one, the credential whose digest the ledger anchored: the
 * attempt committed and its answer was lost. Anything else rethrows `err`.
 */
async function keptAnswers(ctx: DomainContext, who: SigningIdentity, err: unknown, keeper: CredentialKeeper | undefined, drafts: readonly Draft[]): Promise<[AnchoredBatch]> {
  if (!keeper || !(err instanceof CodedError) || err.code !== 'DUPLICATE_ID') throw err;
  const items: AnchoredBatch['items'] = [];
  for (const d of drafts) {
    const kept = await keeper.recall(d.input.id);
    if (kept.length === 0) throw err;
    // A draft not on the ledger: this attempt's own conflict, not a lost answer.
    const record = await getCertificate(ctx, who, d.input.id).catch(() => undefined);
    if (!record) throw err;
    const credential = kept.find((c) => digestOf(c) === record.digest);
    if (!credential || record.issueTxId !== (items[0]?.record.issueTxId ?? record.issueTxId)) throw err;
    items.push({ id: record.id, credential, record });
  }
  const blockNumber = await blockNumberOf(ctx, items[0].record.issueTxId);
  if (blockNumber === undefined) throw err;
  return [{ items, txId: items[0].record.issueTxId, blockNumber }];
}

/** The fields a certificate comparison names. */
export type CertificateField = 'holder' | 'type' | 'claims' | 'validity' | 'issuer';

/**
 * Compares 1..1000 issuance requests (the items of a batch) with what the
 * ledger holds under their ids, for an importer that reruns a file: a
 * record counts as "same" only when its holder, type, claims and (when the
 * request names them) validity dates are the request's. A record of
 * another org is "different" in `issuer` and nothing else is said about it.
 * The holder is compared through its pseudonym (current or legacy), the
 * claims through the record's `claimsRef`; a record anchored before
 * claimsRef was kept has its claims `unverified`. Each row whose holder did
 * not match counts as a look-up by ID number against `user`'s allowance.
 */
export async function compareCertificates(ctx: DomainContext, who: SigningIdentity, user: string, body: unknown): Promise<{ items: Array<Comparison<CertificateField>> }> {
  const rows = compareItems(body, 'certificates').map(({ item, where }) => {
    const validFrom = optionalDateTime(item.validFrom, `${where}.validFrom`);
    const validUntil = optionalDateTime(item.validUntil, `${where}.validUntil`);
    if (validFrom !== undefined && validUntil !== undefined && validUntil <= validFrom) throw invalid(`${where}.validUntil must be after validFrom`);
    return {
      id: requireId(`${where}.id`, item.id),
      type: requireId(`${where}.type`, item.type),
      holder: personField(item.holder, `${where}.holder`),
      claims: item.claims === undefined ? {} : objectField(item.claims, `${where}.claims`),
      validFrom,
      validUntil,
    };
  });
  const found = await readRecords<CertificateRecord>(ctx, who, FN.getCertificate, rows.map((r) => r.id), 'CERT_NOT_FOUND');
  let misses = 0;
  const items = rows.map((row, i): Comparison<CertificateField> => {
    const read = found[i];
    if (read.kind !== 'found') return { id: row.id, state: 'absent' };
    const record = read.record;
    if (record.issuerMsp !== who.mspId) return comparison(row.id, ['issuer']);
    const differs: CertificateField[] = [];
    const unverified: CertificateField[] = [];
    const holderSame = record.holderRef === ctx.pseudonyms.holder(row.holder) || record.holderRef === ctx.pseudonyms.legacyHolder(row.holder);
    if (!holderSame) {
      differs.push('holder');
      misses++;
    }
    if (record.type !== row.type) differs.push('type');
    // The ref covers id, holder and type too: with either of those different it says nothing about the claims alone.
    if (holderSame && record.type === row.type) {
      if (record.claimsRef === undefined) unverified.push('claims');
      else if (record.claimsRef !== ctx.pseudonyms.claims(row.id, row.holder, row.type, row.claims)) differs.push('claims');
    }
    if ((row.validFrom !== undefined && !sameInstant(record.validFrom, row.validFrom)) || (row.validUntil !== undefined && !sameInstant(record.validUntil, row.validUntil))) {
      differs.push('validity');
    }
    return comparison(row.id, differs, unverified);
  });
  limitPersonLookups(ctx, user, Date.now(), misses);
  return { items };
}

export async function getCertificate(ctx: DomainContext, who: SigningIdentity, id: string): Promise<CertificateRecord> {
  return read<CertificateRecord>(ctx, who, FN.getCertificate, [id]);
}

export async function history(ctx: DomainContext, who: SigningIdentity, id: string): Promise<{ items: CertificateHistoryEntry[] }> {
  return read(ctx, who, FN.history, [id]);
}

const MOVES: Readonly<Record<StatusAction, string>> = { suspend: FN.suspend, reinstate: FN.reinstate, revoke: FN.revoke };

/** Suspends, reinstates or revokes; the chaincode enforces the allowed moves. */
export async function changeStatus(ctx: DomainContext, who: SigningIdentity, id: string, action: StatusAction, body: unknown) {
  const b = objectField(body, 'body');
  const why = requireStatusReason(b.reasonCode, b.reason);
  const r = await write<CertificateRecord>(ctx, who, MOVES[action], [id, JSON.stringify({ reasonCode: why.code, reason: why.text })]);
  return { record: r.value, txId: r.txId, blockNumber: r.blockNumber };
}

async function list(ctx: DomainContext, who: SigningIdentity, filter: Record<string, unknown>, limit: unknown, cursor: unknown) {
  const page = await read<Page<CertificateRecord>>(ctx, who, FN.listCertificates, [
    JSON.stringify(filter),
    String(limitField(limit)),
    decodeCursor(cursor),
  ]);
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
}

export { HOLDER_SEARCHES_PER_WINDOW, HOLDER_SEARCH_WINDOW_MS } from './person-lookups';

/** A listing cursor of the holder search's second phase, the records written before pseudonyms had purposes. */
const LEGACY_PHASE = 'L';

/**
 * All certificates of a person, found through the holder pseudonym (the ID
 * number never reaches the ledger). Records written before pseudonyms had
 * purposes carry the legacy holder pseudonym: they are listed after the
 * others, behind a cursor that says which phase it continues. Counted and
 * limited per user: this is the one answer that turns an ID number a caller
 * names into records.
 */
export async function searchByHolder(ctx: DomainContext, who: SigningIdentity, user: string, body: unknown) {
  const b = objectField(body, 'body');
  const holder = personField(b.holder, 'holder');
  const type = optionalId(b.type, 'type');
  const status = optionalStatus('status', b.status);
  const limit = limitField(b.limit);
  const { legacy, bookmark } = decodeHolderCursor(b.cursor);
  limitPersonLookups(ctx, user, Date.now());
  const page = (ref: string, n: number, from: string) =>
    read<Page<CertificateRecord>>(ctx, who, FN.listCertificates, [JSON.stringify({ holderRef: ref, type, status }), String(n), from]);
  if (!legacy) {
    const current = await page(ctx.pseudonyms.holder(holder), limit, bookmark);
    if (current.nextCursor) return { items: current.items, nextCursor: encodeCursor(current.nextCursor) };
    const room = limit - current.items.length;
    if (room === 0) return { items: current.items, nextCursor: encodeHolderCursor('') };
    const old = await page(ctx.pseudonyms.legacyHolder(holder), room, '');
    return { items: [...current.items, ...old.items], nextCursor: old.nextCursor ? encodeHolderCursor(old.nextCursor) : undefined };
  }
  const old = await page(ctx.pseudonyms.legacyHolder(holder), limit, bookmark);
  return { items: old.items, nextCursor: old.nextCursor ? encodeHolderCursor(old.nextCursor) : undefined };
}

function encodeHolderCursor(bookmark: string): string {
  return Buffer.from(`${LEGACY_PHASE}${bookmark}`, 'utf8').toString('base64url');
}

function decodeHolderCursor(v: unknown): { legacy: boolean; bookmark: string } {
  if (typeof v === 'string' && /^[A-Za-z0-9_-]{1,2048}$/.test(v)) {
    const raw = Buffer.from(v, 'base64url').toString('utf8');
    if (raw === LEGACY_PHASE || raw.startsWith(`${LEGACY_PHASE}\u0000`)) return { legacy: true, bookmark: raw.slice(1) };
  }
  return { legacy: false, bookmark: decodeCursor(v) };
}

/** Certificates by type and/or status. */
export async function listCertificates(ctx: DomainContext, who: SigningIdentity, query: Record<string, unknown>) {
  const type = optionalId(query.type === '' ? undefined : query.type, 'type');
  return list(ctx, who, { type, status: optionalStatus('status', query.status) }, query.limit, query.cursor);
}
