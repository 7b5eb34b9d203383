import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { FN } from '../../../chaincode/src/functions';
import { keyValidAt } from '../../../chaincode/src/key-validity';
import type { CertificateRecord, IssuerKey, VerificationContext } from '../../../chaincode/src/models';
import { isId } from '../../../chaincode/src/validate';
import { CERT_URN_PREFIX, ISSUER_URN_PREFIX, digestOf, verifyCredentialSignature } from '../credentials/vc';
import { blockNumberOf } from './block-numbers';
import { read } from './calls';
import type { DomainContext } from './context';

export type CheckName = 'format' | 'signature' | 'issuer' | 'anchor' | 'status' | 'validity';

export interface Check {
  name: CheckName;
  ok: boolean;
  detail: string;
}

export interface Verdict {
  valid: boolean;
  status: 'active' | 'suspended' | 'revoked' | 'expired' | 'unknown';
  checks: Check[];
  certificate?: CertificateRecord;
  anchor?: { txId: string; blockNumber: number };
}

const ORDER: CheckName[] = ['format', 'signature', 'issuer', 'anchor', 'status', 'validity'];

interface Parsed {
  kid: string;
  certId: string;
  issuerId: string;
  validFrom?: string;
  validUntil?: string;
}

/** Reads the JWS header and VC payload without trusting them yet. */
function parseCredential(jws: string): Parsed | string {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || parts[0] === '' || parts[2] === '') {
    return 'not a compact JWS';
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws);
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'header or payload is not base64url JSON';
  }
  if (header.alg !== 'ES256') return `alg must be ES256, got ${String(header.alg)}`;
  if (header.typ !== 'vc+jwt') return `typ must be vc+jwt, got ${String(header.typ)}`;
  // The ledger looks both ids up, so one it could never hold is a malformed credential, not a ledger call.
  if (!isId(header.kid)) return 'header kid is missing or not an identifier';
  if (payload === null || typeof payload !== 'object') return 'payload is not a JSON object';
  const id = payload.id;
  if (typeof id !== 'string' || !id.startsWith(CERT_URN_PREFIX)) return `id must start with ${CERT_URN_PREFIX}`;
  const certId = id.slice(CERT_URN_PREFIX.length);
  if (!isId(certId)) return `id must be ${CERT_URN_PREFIX} followed by an identifier`;
  const issuer = payload.issuer as { id?: unknown } | string | undefined;
  const issuerId = typeof issuer === 'string' ? issuer : issuer?.id;
  if (typeof issuerId !== 'string') return 'issuer is missing';
  return {
    kid: header.kid,
    certId,
    issuerId,
    validFrom: typeof payload.validFrom === 'string' ? payload.validFrom : undefined,
    validUntil: typeof payload.validUntil === 'string' ? payload.validUntil : undefined,
  };
}

/** Registered JWKs never change, so their imported keys are cached by kid and JWK. */
const importedKeys = new Map<string, KeyObject>();

function publicKeyOf(key: IssuerKey): KeyObject {
  const cacheKey = `${key.kid}\u0000${key.jwk.x}\u0000${key.jwk.y}`;
  let k = importedKeys.get(cacheKey);
  if (!k) {
    if (importedKeys.size > 10_000) importedKeys.clear();
    k = createPublicKey({ key: { kty: key.jwk.kty, crv: key.jwk.crv, x: key.jwk.x, y: key.jwk.y } as JsonWebKey, format: 'jwk' });
    importedKeys.set(cacheKey, k);
  }
  return k;
}

/**
 * Verifies a credential against the ledger: format, signature (key from the
 * on-chain registry), issuer (key valid at issuance, org authorised for the
 * type), anchor (record exists, digest matches), status and validity window.
 * A forged or tampered credential is an answer, not an error.
 */
export async function verify(ctx: DomainContext, jws: string, now: Date = new Date()): Promise<Verdict> {
  const checks = new Map<CheckName, Check>();
  const set = (name: CheckName, ok: boolean, detail: string): void => void checks.set(name, { name, ok, detail });
  const finish = (status: Verdict['status'], extra: Partial<Verdict> = {}): Verdict => {
    const list = ORDER.map((n) => checks.get(n) ?? { name: n, ok: false, detail: 'not checked' });
    return { valid: list.every((c) => c.ok), status, checks: list, ...extra };
  };

  const parsed = parseCredential(jws);
  if (typeof parsed === 'string') {
    set('format', false, parsed);
    return finish('unknown');
  }
  set('format', true, 'compact JWS, ES256, vc+jwt');

  const vctx = await read<VerificationContext>(ctx, ctx.serviceIdentity, FN.verificationContext, [parsed.certId, parsed.kid]);
  const { record, key, type } = vctx;

  if (!key) {
    set('signature', false, `key ${parsed.kid} is not in the issuer registry`);
  } else {
    let ok = false;
    try {
      ok = await verifyCredentialSignature(jws, publicKeyOf(key));
    } catch {
      // A registered JWK that node cannot import is a failed check, not a crash.
    }
    set('signature', ok, ok ? `signed by ${key.mspId} key ${key.kid}` : `signature does not verify with key ${key.kid}`);
  }

  if (!key || !record) {
    set('issuer', false, !key ? 'signing key unknown' : 'no ledger record to date the issuance');
  } else if (`${ISSUER_URN_PREFIX}${key.mspId}` !== parsed.issuerId || record.issuerMsp !== key.mspId) {
    set('issuer', false, `credential issuer ${parsed.issuerId} does not own key ${key.kid}`);
  } else if (!keyValidAt(key, record.issuedAt)) {
    set('issuer', false, `key ${key.kid} (${key.status}) was not valid at issuance ${record.issuedAt}`);
  } else if (!type || !type.issuerMsps.includes(record.issuerMsp)) {
    set('issuer', false, `${record.issuerMsp} is not authorised for ${record.type}`);
  } else {
    set('issuer', true, `${record.issuerMsp} is authorised for ${record.type}; key valid at issuance`);
  }

  if (!record) {
    set('anchor', false, `no ledger record for ${parsed.certId}`);
    return finish('unknown');
  }
  const digestOk = record.digest === digestOf(jws);
  const kidOk = record.issuerKid === parsed.kid;
  set('anchor', digestOk && kidOk, digestOk ? (kidOk ? 'digest matches the ledger record' : 'record names another key') : 'digest does not match the ledger record');

  set('status', record.status === 'active', record.status === 'active' ? 'active' : `${record.status}${record.statusReason ? `: ${record.statusReason}` : ''}`);

  const t = now.toISOString();
  const from = record.validFrom;
  const until = record.validUntil;
  const expired = until !== undefined && t >= until;
  const early = t < from;
  set('validity', !expired && !early, expired ? `expired at ${until}` : early ? `not valid before ${from}` : 'within its validity window');

  const blockNumber = await blockNumberOf(ctx, record.issueTxId);
  const anchor = blockNumber !== undefined ? { txId: record.issueTxId, blockNumber } : undefined;
  const status: Verdict['status'] = record.status !== 'active' ? record.status : expired ? 'expired' : 'active';
  return finish(status, { certificate: record, anchor });
}
