import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { FN } from '../../../chaincode/src/functions';
import type { IssuerKey, VerificationContext } from '../../../chaincode/src/models';
import { verifyCredentialSignature } from '../credentials/vc';
import { assess, isAnchored, parseCredential, type AssessContext, type Verdict } from './assess';
import { blockNumberOf } from './block-numbers';
import { read } from './calls';
import { remember, type DomainContext } from './context';

export type { Check, CheckName, PublicCertificate, Verdict } from './assess';

/** Registered JWKs never change, so their imported keys are kept by kid and JWK. */
function publicKeyOf(ctx: DomainContext, key: IssuerKey): KeyObject {
  const cacheKey = `${key.kid}\u0000${key.jwk.x}\u0000${key.jwk.y}`;
  let k = ctx.state.publicKeys.get(cacheKey);
  if (!k) {
    k = createPublicKey({ key: { kty: key.jwk.kty, crv: key.jwk.crv, x: key.jwk.x, y: key.jwk.y } as JsonWebKey, format: 'jwk' });
    remember(ctx.state.publicKeys, cacheKey, k, 10_000);
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
export async function verify(ctx: DomainContext, jws: string, now: Date = new Date()): Promise<Verdict> {
  const parsed = parseCredential(jws);
  if (typeof parsed === 'string') return assess(parsed, { signatureValid: false }, now);

  const ledger = await read<VerificationContext>(ctx, ctx.serviceIdentity, FN.verificationContext, [parsed.certId, parsed.kid]);
  const context: AssessContext = { ...ledger, signatureValid: ledger.key ? await signatureVerifies(ctx, jws, ledger.key) : false };
  // Only an anchored verdict shows the block, so a forgery costs no block lookup.
  if (isAnchored(parsed, context)) context.blockNumber = await blockNumberOf(ctx, context.record.issueTxId);
  return assess(parsed, context, now);
}
