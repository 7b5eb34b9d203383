import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import type { HeldKey } from './issuer-keys';

/** The W3C VC 2.0 payload of an e-certificate credential. */
export interface CertificateCredential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: { id: string; name: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: Record<string, unknown> & { id: string };
  credentialStatus: { id: string; type: string };
  certificateType: string;
}

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const CERT_URN_PREFIX = 'urn:civic:cert:';
export const ISSUER_URN_PREFIX = 'urn:civic:issuer:';
export const HOLDER_URN_PREFIX = 'urn:civic:holder:';

/** Builds the VC for a certificate. */
export function buildCredential(input: {
  id: string;
  type: string;
  issuerMsp: string;
  issuerName: string;
  holderRef: string;
  holder: { idType: string; idNumber: string; name: string };
  claims: Record<string, unknown>;
  validFrom: string;
  validUntil?: string;
  statusUrl: string;
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
      id: `${HOLDER_URN_PREFIX}${input.holderRef}`,
      holder: { name: input.holder.name, idNumber: input.holder.idNumber, ...(input.holder.idType === 'resident' ? {} : { idType: input.holder.idType }) },
    },
    credentialStatus: { id: input.statusUrl, type: 'CivicLedgerStatus' },
  };
  if (input.validUntil) vc.validUntil = input.validUntil;
  return vc;
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function signingInput(vc: CertificateCredential, key: HeldKey): string {
  return `${b64url(JSON.stringify({ alg: 'ES256', typ: 'vc+jwt', kid: key.kid }))}.${b64url(JSON.stringify(vc))}`;
}

/** Secures a VC as a compact JWS with header `{alg: ES256, typ: vc+jwt, kid}` (VC-JOSE). */
export function signCredential(vc: CertificateCredential, key: HeldKey): string {
  const input = signingInput(vc, key);
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** {@link signCredential} on libuv's thread pool, so a batch signs on every core. */
export function signCredentialAsync(vc: CertificateCredential, key: HeldKey): Promise<string> {
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
