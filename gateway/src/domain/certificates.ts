import { randomUUID } from 'node:crypto';
import { FN, MAX_BATCH } from '../../../chaincode/src/functions';
import { requireIssuerOf } from '../../../chaincode/src/certificate-type-rules';
import { optionalStatus, requireStatusReason, type StatusAction } from '../../../chaincode/src/lifecycle';
import type { CertificateHistoryEntry, CertificateRecord, Page } from '../../../chaincode/src/models';
import { requireId } from '../../../chaincode/src/validate';
import { ORG_NAMES, orgOfMsp } from '../../../chaincode/src/models';
import { describeProblems, schemaErrors } from '../../../chaincode/src/schema';
import type { SigningIdentity } from '../../../network/pki/types';
import { pseudonym } from '../credentials/holder-ref';
import { read, write } from './calls';
import type { DomainContext } from './context';
import { decodeCursor, encodeCursor, limitField, objectField, optionalDateTime, optionalId, personField } from './input';
import { anchorBatch, anchorOne, type Draft } from './issuance';
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
  const holderRef = pseudonym(ctx.pepper, holder);
  const org = orgOfMsp(mspId);
  const credential = {
    id,
    type,
    issuerMsp: mspId,
    issuerName: org ? ORG_NAMES[org] : mspId,
    holderRef,
    holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name ?? '' },
    claims,
    validFrom,
    validUntil,
  };
  return { input: { id, type, issuerKid: key.kid, holderRef, validFrom, validUntil }, credential, key };
}

/** Issues one certificate: sign the VC, anchor its digest (see {@link anchorOne}). */
export async function issue(ctx: DomainContext, who: SigningIdentity, body: unknown) {
  return anchorOne(ctx, who, await prepare(ctx, who.mspId, body, 'body'));
}

/** Issues 1..1000 certificates in one transaction: all or nothing. */
export async function issueBatch(ctx: DomainContext, who: SigningIdentity, body: unknown) {
  const b = objectField(body, 'body');
  if (!Array.isArray(b.items) || b.items.length === 0 || b.items.length > MAX_BATCH) {
    throw invalid(`items must be an array of 1 to ${MAX_BATCH} certificates`);
  }
  const drafts: Draft[] = [];
  for (let i = 0; i < b.items.length; i++) drafts.push(await prepare(ctx, who.mspId, b.items[i], `items[${i}]`));
  return anchorBatch(ctx, who, drafts);
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

/** All certificates of a person, found through the holder pseudonym (the ID number never reaches the ledger). */
export async function searchByHolder(ctx: DomainContext, who: SigningIdentity, body: unknown) {
  const b = objectField(body, 'body');
  const holder = personField(b.holder, 'holder');
  const type = optionalId(b.type, 'type');
  return list(ctx, who, { holderRef: pseudonym(ctx.pepper, holder), type, status: optionalStatus('status', b.status) }, b.limit, b.cursor);
}

/** Certificates by type and/or status. */
export async function listCertificates(ctx: DomainContext, who: SigningIdentity, query: Record<string, unknown>) {
  const type = optionalId(query.type === '' ? undefined : query.type, 'type');
  return list(ctx, who, { type, status: optionalStatus('status', query.status) }, query.limit, query.cursor);
}
