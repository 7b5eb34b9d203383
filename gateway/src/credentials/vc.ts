import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { STATUS_PURPOSES, type StatusListPosition, type StatusPurpose } from '../../../chaincode/src/status-list';
import type { HeldKey } from './issuer-keys';

/** The W3C VC 2.0 payload of an e-certificate credential. */
export interface CertificateCredential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: { id: string; name: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: Record<string, unknown>;
  credentialStatus: BitstringStatusListEntry[];
  certificateType: string;
}

/** A W3C Bitstring Status List entry: where a credential's bit sits in a public list. */
export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** The index in the list, as a decimal string (the spec's form). */
  statusListIndex: string;
  statusListCredential: string;
}

/** The public URL of a status list. */
export function statusListUrl(baseUrl: string, mspId: string, purpose: StatusPurpose, list: number): string {
  return `${baseUrl}/api/v1/status-lists/${encodeURIComponent(mspId)}/${purpose}/${list}`;
}

/** The revocation and suspension entries of a certificate at `position` of its issuer's lists. */
export function statusEntries(baseUrl: string, mspId: string, position: StatusListPosition): BitstringStatusListEntry[] {
  return STATUS_PURPOSES.map((purpose) => {
    const url = statusListUrl(baseUrl, mspId, purpose, position.list);
    return { id: `${url}#${position.index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(position.index), statusListCredential: url };
  });
}

/**
 * An ID number as a credential carries it: enough for a person to recognise
 * it, far too little to find it. A resident ID keeps only its first 6 digits
 * (the region, printed on the certificate's issuing office anyway): the birth
 * date, sequence and check character stay hidden, which leaves tens of
 * millions of candidates (every valid date of a century × 1,000 sequences).
 * Other documents keep their last 2 characters of at least 8, none of a shorter one.
 */
export function maskIdNumber(idType: string, idNumber: string): string {
  if (idType === 'resident' && idNumber.length === 18) return `${idNumber.slice(0, 6)}${'*'.repeat(12)}`;
  const keep = idNumber.length >= 8 ? 2 : 0;
  return `${'*'.repeat(idNumber.length - keep)}${idNumber.slice(idNumber.length - keep)}`;
}

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const CERT_URN_PREFIX = 'urn:civic:cert:';
export const ISSUER_URN_PREFIX = 'urn:civic:issuer:';

/** Builds the VC for a certificate. */
export function buildCredential(input: {
  id: string;
  type: string;
  issuerMsp: string;
  issuerName: string;
  holder: { idType: string; idNumber: string; name: string };
  claims: Record<string, unknown>;
  validFrom: string;
  validUntil?: string;
  credentialStatus: BitstringStatusListEntry[];
}): CertificateCredential {
  const vc: CertificateCredential = {
    '@context': [VC_CONTEXT],
    id: `${CERT_URN_PREFIX}${input.id}`,
    type: ['VerifiableCredential', 'CivicCertificateCredential'],
    certificateType: input.type,
    issuer: { id: `${ISSUER_URN_PREFIX}${input.issuerMsp}`, name: input.issuerName },
    validFrom: input.validFrom,
    credentialSubject: {
      ...input.claims,
      // No subject id: any value the ledger or another answer also holds would link the holder to it.
      // The full number stays with the holder: a verifier confirms it with the holder check of /verify.
      holder: {
        name: input.holder.name,
        idNumber: maskIdNumber(input.holder.idType, input.holder.idNumber),
        ...(input.holder.idType === 'resident' ? {} : { idType: input.holder.idType }),
      },
    },
    credentialStatus: input.credentialStatus,
  };
  if (input.validUntil) vc.validUntil = input.validUntil;
  return vc;
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function signingInput(vc: object, key: HeldKey): string {
  return `${b64url(JSON.stringify({ alg: 'ES256', typ: 'vc+jwt', kid: key.kid }))}.${b64url(JSON.stringify(vc))}`;
}

/** Secures a VC as a compact JWS with header `{alg: ES256, typ: vc+jwt, kid}` (VC-JOSE). */
export function signCredential(vc: object, key: HeldKey): string {
  const input = signingInput(vc, key);
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** {@link signCredential} on libuv's thread pool, so a batch signs on every core. */
export function signCredentialAsync(vc: object, key: HeldKey): Promise<string> {
  const input = signingInput(vc, key);
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }, (err, signature) =>
      err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`),
    );
  });
}

/** SHA-256 of the exact JWS string, hex: the on-chain digest. */
export function digestOf(jws: string): string {
  return createHash('sha256').update(jws).digest('hex');
}

/**
 * Checks the ES256 signature of a compact JWS over `header.payload`, on
 * libuv's thread pool so verification does not hold the event loop. The
 * caller has already checked the header's alg.
 */
export function verifyCredentialSignature(jws: string, publicKey: KeyObject): Promise<boolean> {
  const dot = jws.lastIndexOf('.');
  const signature = Buffer.from(jws.slice(dot + 1), 'base64url');
  // ES256 signatures are exactly r||s, 32 bytes each.
  if (dot <= 0 || signature.length !== 64) return Promise.resolve(false);
  return new Promise((resolve) => {
    verify('sha256', Buffer.from(jws.slice(0, dot)), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature, (err, ok) => resolve(!err && ok));
  });
}
