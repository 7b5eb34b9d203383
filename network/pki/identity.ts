import { X509Certificate, type KeyObject } from 'node:crypto';
import { FABRIC_ATTRS_OID } from './certificates';
import { x509 } from './x509';
import { BoundedMap } from '../../chaincode/src/bounded-map';

/** What the engine needs to know about a certificate, parsed once per PEM. */
export interface CertificateInfo {
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
  /** `x509::<subject>::<issuer>`, as fabric-shim's ClientIdentity.getID() gives it. */
  readonly clientId: string;
  /** Subject OU values (Fabric NodeOUs: client, peer, admin, orderer). */
  readonly organizationalUnits: readonly string[];
  /** Fabric CA attributes from extension 1.2.3.4.5.6.7.8.1; empty when absent. */
  readonly attrs: Readonly<Record<string, string>>;
}

// fabric-shim names DN attributes through @fidm/x509, which knows short names for these OIDs only.
const FIDM_SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'E',
};
const PECULIAR_OIDS: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  E: '1.2.840.113549.1.9.1',
};

const MAX_CACHED = 10_000;
const infos = new BoundedMap<string, CertificateInfo>(MAX_CACHED);

type PeculiarName = InstanceType<typeof x509.X509Certificate>['subjectName'];

function formatDN(name: PeculiarName): string {
  let out = '';
  for (const rdn of name.toJSON()) {
    for (const [type, values] of Object.entries(rdn)) {
      const oid = PECULIAR_OIDS[type] ?? type;
      const short = FIDM_SHORT_NAMES[oid] ?? '';
      for (const value of values) {
        // ClientIdentity escapes with String#replace('/', ...): only the first slash. Reproduce it exactly.
        out += `/${short}=${value.replace('/', '\\/')}`;
      }
    }
  }
  return out;
}

function parseAttrs(cert: InstanceType<typeof x509.X509Certificate>): Record<string, string> {
  const ext = cert.getExtension(FABRIC_ATTRS_OID);
  if (!ext) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(ext.value).toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'attrs' in parsed) {
      const attrs = (parsed as { attrs: unknown }).attrs;
      if (attrs && typeof attrs === 'object') return { ...(attrs as Record<string, string>) };
    }
  } catch {
    // An unreadable attribute extension means no attributes, as for ClientIdentity's callers.
  }
  return {};
}

/** Parses a certificate PEM once and caches what signing and naming need. */
export function certificateInfo(certificatePem: string): CertificateInfo {
  let info = infos.get(certificatePem);
  if (!info) {
    if (typeof certificatePem !== 'string' || !certificatePem.includes('BEGIN CERTIFICATE')) {
      throw new TypeError('expected a PEM certificate');
    }
    const certificate = new X509Certificate(certificatePem);
    const parsed = new x509.X509Certificate(certificatePem);
    info = Object.freeze({
      certificate,
      publicKey: certificate.publicKey,
      clientId: `x509::${formatDN(parsed.subjectName)}::${formatDN(parsed.issuerName)}`,
      organizationalUnits: Object.freeze(parsed.subjectName.getField('OU')),
      attrs: Object.freeze(parseAttrs(parsed)),
    });
    infos.set(certificatePem, info);
  }
  return info;
}

/**
 * The identity string fabric-shim's `ClientIdentity.getID()` returns for a
 * certificate: `x509::/CN=.../OU=...::/CN=.../O=...`.
 */
export function clientIdOf(certificatePem: string): string {
  return certificateInfo(certificatePem).clientId;
}

/**
 * Synchronous core of {@link verifyIssuedBy}: `cert` names `ca` as issuer, is
 * signed by `ca`'s key, `ca` is a CA, and `cert` is valid at `at`.
 */
export function isIssuedBy(cert: X509Certificate, ca: X509Certificate, at: Date = new Date()): boolean {
  return isSignedBy(cert, ca) && validAt(cert, at);
}

/** `cert` names `ca` as issuer and is signed by `ca`'s key, and `ca` is a CA: the part that does not change with time. */
export function isSignedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  return ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** `cert`'s validity period includes `at`. */
export function validAt(cert: X509Certificate, at: Date): boolean {
  const t = at.getTime();
  return Date.parse(cert.validFrom) <= t && t <= Date.parse(cert.validTo);
}

/**
 * True when `certPem` was issued by the CA in `caPem` (issuer name, CA
 * signature and the certificate's validity period all check out).
 */
export async function verifyIssuedBy(certPem: string, caPem: string): Promise<boolean> {
  try {
    return isIssuedBy(certificateInfo(certPem).certificate, certificateInfo(caPem).certificate);
  } catch {
    return false;
  }
}
