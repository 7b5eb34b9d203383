import { decodeProtectedHeader } from 'jose';
import { keyValidAt } from '../../../chaincode/src/key-validity';
import type { CertificateRecord, VerificationContext } from '../../../chaincode/src/models';
import { isId } from '../../../chaincode/src/validate';
import { CERT_URN_PREFIX, ISSUER_URN_PREFIX, digestOf } from '../credentials/vc';

export type { Check, CheckName, PublicCertificate, Verdict } from '../../../shared/verification-types';
import type { Check, CheckName, PublicCertificate, Verdict } from '../../../shared/verification-types';

/** What a credential claims about itself, read but not yet trusted. */
export interface ParsedCredential {
  /** Header `kid`; satisfies the ledger's id rule. */
  kid: string;
  /** The id after `urn:civic:cert:`; satisfies the ledger's id rule. */
  certId: string;
  /** The payload's issuer id, e.g. `urn:civic:issuer:CivilAffairsMSP`. */
  issuerId: string;
  /** SHA-256 of the exact JWS, hex, as the ledger record stores it. */
  digest: string;
}

/**
 * Everything {@link assess} needs besides the credential: what the ledger holds
 * for its id and kid, and the results of the two steps that need I/O.
 */
export interface AssessContext extends VerificationContext {
  /** Whether the JWS signature verifies with `key`; false when there is no key. */
  signatureValid: boolean;
  /** The block of `record.issueTxId`, when the ledger knows it. */
  blockNumber?: number;
  /** The pseudonym of the ID number a verifier gave for the holder check; absent, no holder check. */
  holderRef?: string;
}

const ORDER: readonly CheckName[] = ['format', 'signature', 'issuer', 'anchor', 'status', 'validity'];

const NOT_CHECKED = {
  format: 'not checked: the credential is malformed',
  signature: 'not checked: the signature did not verify',
  anchor: 'not checked: the credential is not anchored on the ledger',
} as const;

/**
 * Reads the JWS header and VC payload without trusting them: a
 * {@link ParsedCredential}, or why the credential is malformed.
 */
export function parseCredential(jws: string): ParsedCredential | string {
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
  return { kid: header.kid, certId, issuerId, digest: digestOf(jws) };
}

/**
 * True when the signature verifies and the ledger record is this credential's
 * anchor (same digest, same key): the condition for showing anything the
 * ledger holds. The I/O side uses it too, to look up a block number only when
 * the verdict will carry it.
 */
export function isAnchored(parsed: ParsedCredential, context: AssessContext): context is AssessContext & { record: CertificateRecord } {
  const { record } = context;
  return context.signatureValid && context.key !== undefined && record !== undefined && record.digest === parsed.digest && record.issuerKid === parsed.kid;
}

/**
 * The record as a public verdict shows it. Fields are picked one by one, so a
 * field added to the record later stays private until someone adds it here;
 * `updatedBy` names the clerk and is never shown.
 */
export function publicCertificate(r: CertificateRecord): PublicCertificate {
  const out: PublicCertificate = {
    id: r.id,
    type: r.type,
    issuerMsp: r.issuerMsp,
    issuerKid: r.issuerKid,
    holderRef: r.holderRef,
    digest: r.digest,
    digestAlg: r.digestAlg,
    status: r.status,
    issuedAt: r.issuedAt,
    validFrom: r.validFrom,
    updatedAt: r.updatedAt,
    issueTxId: r.issueTxId,
  };
  if (r.statusReasonCode !== undefined) out.statusReasonCode = r.statusReasonCode;
  if (r.statusReason !== undefined) out.statusReason = r.statusReason;
  if (r.validUntil !== undefined) out.validUntil = r.validUntil;
  return out;
}

const check = (name: CheckName, ok: boolean, detail: string): Check => ({ name, ok, detail });

/** Orders the checks; any check not given is failed with `notChecked` as its detail. */
function inOrder(given: Check[], notChecked: string): Check[] {
  return ORDER.map((name) => given.find((c) => c.name === name) ?? check(name, false, notChecked));
}

/**
 * The verdict on a credential, with no I/O: format, signature, issuer (key
 * valid at issuance, org authorised for the type), anchor (record exists,
 * digest and key match), status and validity window at `now`.
 *
 * Until the signature verifies and the record anchors the credential, the
 * verdict discloses nothing the ledger holds: the checks that would read the
 * record are reported as not checked, `status` is `unknown`, and neither the
 * record nor its anchor is returned. Whether a record exists for the id is
 * told only to a credential signed by a registered key.
 *
 * @param parsed the credential as {@link parseCredential} read it, or why it is malformed
 */
export function assess(parsed: ParsedCredential | string, context: AssessContext, now: Date): Verdict {
  const verdict = assessCredential(parsed, context, now);
  if (context.holderRef === undefined) return verdict;
  // The holder check: the person presenting the credential gave an ID number whose pseudonym is the record's.
  let holder: Check;
  if (typeof parsed === 'string' || !isAnchored(parsed, context)) {
    holder = check('holder', false, 'not checked: the credential did not verify');
  } else if (context.record.holderRef === context.holderRef) {
    holder = check('holder', true, 'the ID number given is the holder\'s');
  } else {
    holder = check('holder', false, 'the ID number given is not the holder\'s');
  }
  return { ...verdict, valid: verdict.valid && holder.ok, checks: [...verdict.checks, holder] };
}

/** The six checks of every verdict; {@link assess} adds the holder check when one was asked for. */
function assessCredential(parsed: ParsedCredential | string, context: AssessContext, now: Date): Verdict {
  if (typeof parsed === 'string') {
    return { valid: false, status: 'unknown', checks: inOrder([check('format', false, parsed)], NOT_CHECKED.format) };
  }
  const format = check('format', true, 'compact JWS, ES256, vc+jwt');

  const { key, record, type } = context;
  if (!key || !context.signatureValid) {
    const detail = key ? `signature does not verify with key ${key.kid}` : `key ${parsed.kid} is not in the issuer registry`;
    return { valid: false, status: 'unknown', checks: inOrder([format, check('signature', false, detail)], NOT_CHECKED.signature) };
  }
  const signature = check('signature', true, `signed by ${key.mspId} key ${key.kid}`);
  // Compares the credential with the public registry only, so it may be told before the anchor holds.
  const claimsKeyOwner = `${ISSUER_URN_PREFIX}${key.mspId}` === parsed.issuerId;
  const notOwner = check('issuer', false, `credential issuer ${parsed.issuerId} does not own key ${key.kid}`);

  if (!isAnchored(parsed, context)) {
    const detail = !record
      ? `no ledger record for ${parsed.certId}`
      : record.digest !== parsed.digest
        ? 'digest does not match the ledger record'
        : 'the ledger record names another key';
    const checks = [format, signature, check('anchor', false, detail)];
    if (!claimsKeyOwner) checks.push(notOwner);
    return { valid: false, status: 'unknown', checks: inOrder(checks, NOT_CHECKED.anchor) };
  }
  const anchored = context.record;

  const { issuer, status, validity, state } = recordChecks(anchored, key, type, now, claimsKeyOwner ? undefined : notOwner);
  const checks = [format, signature, issuer, check('anchor', true, 'digest matches the ledger record'), status, validity];
  const verdict: Verdict = {
    valid: checks.every((c) => c.ok),
    status: state,
    checks,
    certificate: publicCertificate(anchored),
  };
  if (context.blockNumber !== undefined) verdict.anchor = { txId: anchored.issueTxId, blockNumber: context.blockNumber };
  return verdict;
}

/**
 * The checks that read an anchored record: issuer (the key belongs to the
 * record's org, was valid at issuance, and the org is authorised for the
 * type), status, and validity window at `now`. `notOwner` is the issuer check
 * already failed by the credential itself (its issuer does not own the key).
 */
function recordChecks(
  anchored: CertificateRecord,
  key: NonNullable<VerificationContext['key']>,
  type: VerificationContext['type'],
  now: Date,
  notOwner?: Check,
): { issuer: Check; status: Check; validity: Check; state: Verdict['status'] } {
  let issuer: Check;
  if (notOwner !== undefined || anchored.issuerMsp !== key.mspId) {
    issuer = notOwner ?? check('issuer', false, `${anchored.issuerMsp} does not own key ${key.kid}`);
  } else if (!keyValidAt(key, anchored.issuedAt)) {
    issuer = check('issuer', false, `key ${key.kid} (${key.status}) was not valid at issuance ${anchored.issuedAt}`);
  } else if (!type || type.type !== anchored.type || !type.issuerMsps.includes(anchored.issuerMsp)) {
    issuer = check('issuer', false, `${anchored.issuerMsp} is not authorised for ${anchored.type}`);
  } else {
    issuer = check('issuer', true, `${anchored.issuerMsp} is authorised for ${anchored.type}; key valid at issuance`);
  }

  const active = anchored.status === 'active';
  const reason = anchored.statusReason ? `: ${anchored.statusReason}` : '';
  const status = check('status', active, active ? 'active' : `${anchored.status}${reason}`);

  const t = now.toISOString();
  const { validFrom, validUntil } = anchored;
  const expired = validUntil !== undefined && t >= validUntil;
  const early = t < validFrom;
  const validity = check(
    'validity',
    !expired && !early,
    expired ? `expired at ${validUntil}` : early ? `not valid before ${validFrom}` : 'within its validity window',
  );
  return { issuer, status, validity, state: !active ? anchored.status : expired ? 'expired' : 'active' };
}

/** A short link's claim: certificate `id` whose credential has SHA-256 `digest` (hex). */
export interface CredentialReference {
  id: string;
  digest: string;
}

/** The checks a verdict on a reference lists; without the credential there is no format or signature to check. */
const REFERENCE_ORDER: readonly CheckName[] = ['anchor', 'issuer', 'status', 'validity'];

/**
 * The verdict on a short link (`/v/<id>#d=<digest>`), with no I/O: what the
 * ledger can prove without the credential itself. The anchor holds when the
 * ledger has a record with this id and this digest; then issuer, status and
 * validity are checked as for a credential. An id without that digest gets
 * the same answer as an unknown id, so a short link tells nothing about
 * certificates whose credential its bearer never held.
 */
export function assessReference(ref: CredentialReference, context: AssessContext, now: Date): Verdict {
  const { record, key, type } = context;
  if (!record || record.digest !== ref.digest.toLowerCase() || !key || key.kid !== record.issuerKid) {
    const anchor = check('anchor', false, 'no ledger record with this certificate number and digest');
    return {
      valid: false,
      status: 'unknown',
      checks: REFERENCE_ORDER.map((name) => (name === 'anchor' ? anchor : check(name, false, NOT_CHECKED.anchor))),
    };
  }
  const { issuer, status, validity, state } = recordChecks(record, key, type, now);
  const checks = [check('anchor', true, 'a ledger record holds this digest'), issuer, status, validity];
  const verdict: Verdict = {
    valid: checks.every((c) => c.ok),
    status: state,
    checks,
    certificate: publicCertificate(record),
  };
  if (context.blockNumber !== undefined) verdict.anchor = { txId: record.issueTxId, blockNumber: context.blockNumber };
  return verdict;
}
