import { randomBytes } from 'node:crypto';
import type { CertifiedKey, EnrolmentRequest } from './types';
import { subtle, x509 } from './x509';

/** Extension in which Fabric CA writes enrolment attributes as `{"attrs":{...}}`. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

/** Options for {@link createCA}. */
export interface CreateCAOptions {
  commonName: string;
  organization: string;
  /** Validity in days; default 3650. */
  validityDays?: number;
}

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
// Certificates are back-dated a little so a peer whose clock lags the issuer's still accepts them.
const BACKDATE_MS = 5 * 60_000;

type WebCryptoKey = Awaited<ReturnType<typeof subtle.importKey>>;

// Enrolment happens per gateway user; importing the CA key once per CA keeps it cheap.
const caSigningKeys = new Map<string, Promise<WebCryptoKey>>();

function serialNumber(): string {
  const bytes = randomBytes(16);
  // A positive INTEGER: DER would otherwise need a leading zero byte.
  bytes[0] = bytes[0] & 0x7f;
  return bytes.toString('hex');
}

function validity(days: number | undefined, fallback: number): { notBefore: Date; notAfter: Date } {
  const span = days ?? fallback;
  if (!Number.isFinite(span) || span <= 0) throw new TypeError(`validityDays must be a positive number, got ${String(days)}`);
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + span * DAY_MS) };
}

async function newKeyPair(): Promise<{ privateKey: WebCryptoKey; publicKey: WebCryptoKey }> {
  return subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function pkcs8Pem(key: WebCryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function importSigningKey(privateKeyPem: string): Promise<WebCryptoKey> {
  let key = caSigningKeys.get(privateKeyPem);
  if (!key) {
    key = subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(privateKeyPem), EC_KEY, false, ['sign']);
    key.catch(() => caSigningKeys.delete(privateKeyPem));
    caSigningKeys.set(privateKeyPem, key);
  }
  return key;
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/**
 * Creates a self-signed ECDSA P-256 CA certificate (basicConstraints CA,
 * keyUsage keyCertSign and cRLSign, subject key identifier), as an org CA of
 * Fabric's cryptogen or Fabric CA would.
 */
export async function createCA(opts: CreateCAOptions): Promise<CertifiedKey> {
  const commonName = requireText(opts.commonName, 'commonName');
  const organization = requireText(opts.organization, 'organization');
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [commonName] }, { O: [organization] }],
    keys,
    signingAlgorithm: EC_SIGNING,
    ...validity(opts.validityDays, 3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: cert.toString('pem'), privateKeyPem: await pkcs8Pem(keys.privateKey) };
}

/**
 * Issues an enrolment certificate signed by `ca`: a new P-256 key, subject
 * `CN=<commonName>, OU=<nodeRole>, O=<the CA's O>`, and, when `attrs` are
 * given, Fabric CA's attribute extension whose value is the raw JSON
 * `{"attrs":{...}}` (what fabric-shim's ClientIdentity parses).
 */
export async function enrol(ca: CertifiedKey, req: EnrolmentRequest): Promise<CertifiedKey> {
  const commonName = requireText(req.commonName, 'commonName');
  if (!['client', 'peer', 'admin', 'orderer'].includes(req.nodeRole)) {
    throw new TypeError(`nodeRole must be client, peer, admin or orderer, got ${String(req.nodeRole)}`);
  }
  const caCert = new x509.X509Certificate(ca.certificatePem);
  const organization = caCert.subjectName.getField('O')[0];
  if (!organization) throw new TypeError('the CA certificate has no O in its subject');
  const signingKey = await importSigningKey(ca.privateKeyPem);
  const keys = await newKeyPair();

  // The AKI must repeat the CA's own SKI, whichever way that CA computed it.
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const extensions: InstanceType<typeof x509.Extension>[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    caKeyId
      ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
      : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  ];
  if (req.attrs !== undefined) {
    for (const [name, value] of Object.entries(req.attrs)) {
      if (typeof value !== 'string') throw new TypeError(`attribute ${name} must be a string`);
    }
    extensions.push(new x509.Extension(FABRIC_ATTRS_OID, false, Buffer.from(JSON.stringify({ attrs: req.attrs }), 'utf8')));
  }

  // Fabric's MSP checks a certificate's chain as of the certificate's own notBefore (plus one second), so
  // it must not start before its CA: cryptogen rounds a CA's notBefore to the minute, up to 30 s ahead.
  const { notBefore, notAfter } = validity(req.validityDays, 365);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [commonName] }, { OU: [req.nodeRole] }, { O: [organization] }],
    issuer: caCert.subjectName,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: EC_SIGNING,
    notBefore: notBefore < caCert.notBefore ? caCert.notBefore : notBefore,
    notAfter,
    extensions,
  });
  return { certificatePem: cert.toString('pem'), privateKeyPem: await pkcs8Pem(keys.privateKey) };
}
