import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { FN } from '../../../chaincode/src/functions';
import type { CertificateRecord, IssuerKey, VerificationContext } from '../../../chaincode/src/models';
import { holderCheckRetryAfter, requireHolderCheckAllowed, type HolderCheckState } from '../../../chaincode/src/holder-checks';
import { verifyCredentialSignature } from '../credentials/vc';
import { assess, assessReference, isAnchored, parseCredential, type AssessContext, type Verdict } from './assess';
import { blockNumberOf } from './block-numbers';
import type { DomainContext } from './context';
import { read, write } from './calls';
import { CodedError, invalid } from '../../../chaincode/src/errors';
import { isId } from '../../../chaincode/src/validate';
import { objectField } from './input';
import type { PersonDocument } from '../../../chaincode/src/identifiers';

export type { Check, CheckName, PublicCertificate, Verdict } from './assess';

/** Registered JWKs never change, so their imported keys are kept by kid and JWK. */
function publicKeyOf(ctx: DomainContext, key: IssuerKey): KeyObject {
  const cacheKey = `${key.kid}\u0000${key.jwk.x}\u0000${key.jwk.y}`;
  let k = ctx.state.publicKeys.get(cacheKey);
  if (!k) {
    k = createPublicKey({ key: { kty: key.jwk.kty, crv: key.jwk.crv, x: key.jwk.x, y: key.jwk.y } as JsonWebKey, format: 'jwk' });
    ctx.state.publicKeys.set(cacheKey, k);
  }
  return k;
}

async function signatureVerifies(ctx: DomainContext, jws: string, key: IssuerKey): Promise<boolean> {
  try {
    return await verifyCredentialSignature(jws, publicKeyOf(ctx, key));
  } catch {
    // A registered JWK that node cannot import is a failed check, not a crash.
    return false;
  }
}

/**
 * Verifies a credential against the ledger. This side does the I/O: one ledger
 * read for the record, key and type, the signature check on the thread pool,
 * and the anchoring block's number; {@link assess} decides the verdict. A
 * malformed credential costs no ledger call. A forged or tampered credential
 * is an answer, not an error.
 */
export async function verify(ctx: DomainContext, jws: string, now: Date = new Date(), holder?: PersonDocument): Promise<Verdict> {
  const verdict = await decide(ctx, jws, now, holder);
  ctx.metrics.observeVerdict(verdict.valid, verdict.checks.find((c) => !c.ok)?.name);
  return verdict;
}

async function decide(ctx: DomainContext, jws: string, now: Date, holder: PersonDocument | undefined): Promise<Verdict> {
  const parsed = parseCredential(jws);
  const given = holder ? ctx.pseudonyms.holder(holder) : undefined;
  if (typeof parsed === 'string') return assess(parsed, { signatureValid: false, holderRef: given }, now);

  const ledger = await read<VerificationContext>(ctx, ctx.serviceIdentity, FN.verificationContext, [parsed.certId, parsed.kid]);
  const context: AssessContext = { ...ledger, signatureValid: ledger.key ? await signatureVerifies(ctx, jws, ledger.key) : false, holderRef: given };
  // Only an anchored verdict shows the block, so a forgery costs no block lookup.
  if (isAnchored(parsed, context)) {
    context.blockNumber = await blockNumberOf(ctx, context.record.issueTxId);
    if (holder) context.holderRef = await holderCheck(ctx, context.record, holder, now);
  }
  return assess(parsed, context, now);
}

/**
 * Runs the holder check of an anchored certificate: refused while its
 * lock-out lasts, and recorded on the ledger when it fails (and when it
 * passes after failures), so that the count holds across gateways and
 * restarts. Only a credential whose signature and anchor verified gets this
 * far: forged or unknown credentials cost nothing and count nothing. Answers
 * the pseudonym to compare with the record's.
 */
async function holderCheck(ctx: DomainContext, record: CertificateRecord, holder: PersonDocument, now: Date): Promise<string> {
  const state = await read<HolderCheckState>(ctx, ctx.serviceIdentity, FN.holderCheckState, [record.id]);
  try {
    requireHolderCheckAllowed(state, now);
  } catch (err) {
    if (err instanceof CodedError) throw new CodedError(err.code, err.detail, { retryAfter: holderCheckRetryAfter(state, now) });
    throw err;
  }
  const current = ctx.pseudonyms.holder(holder);
  // Records written before pseudonyms had purposes carry the legacy one.
  const passed = record.holderRef === current || record.holderRef === ctx.pseudonyms.legacyHolder(holder);
  if (!passed || state.failures > 0) await write(ctx, ctx.serviceIdentity, FN.recordHolderCheck, [record.id, passed ? 'passed' : 'failed']);
  return passed ? record.holderRef : current;
}

/** A SHA-256 digest as the ledger records it: 64 hex digits. */
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * Verifies a short link (`{id, digest}`) against the ledger: one read, which
 * answers the record, type and issuer key only when the digest matches, then
 * the anchoring block; {@link assessReference} decides. An unknown id and a
 * wrong digest cost the same read and get the same empty answer, so the time
 * taken does not tell that the id exists. There is no signature to check
 * without the credential, so the verdict says what the ledger proves and no more.
 */
export async function verifyReference(ctx: DomainContext, body: unknown, now: Date = new Date()): Promise<Verdict> {
  const b = objectField(body, 'body');
  if (typeof b.id !== 'string' || !isId(b.id)) throw invalid('id must be a certificate id');
  if (typeof b.digest !== 'string' || !HEX_DIGEST.test(b.digest)) throw invalid('digest must be the credential\'s SHA-256 as 64 hex digits');
  const ref = { id: b.id, digest: b.digest.toLowerCase() };
  const context: AssessContext = { ...(await read<VerificationContext>(ctx, ctx.serviceIdentity, FN.referenceContext, [ref.id, ref.digest])), signatureValid: false };
  if (context.record?.digest === ref.digest) context.blockNumber = await blockNumberOf(ctx, context.record.issueTxId);
  const verdict = assessReference(ref, context, now);
  ctx.metrics.observeVerdict(verdict.valid, verdict.checks.find((c) => !c.ok)?.name);
  return verdict;
}
