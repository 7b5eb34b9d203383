import { createHash, createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import { certificateInfo } from './identity';
import { BoundedMap } from '../../chaincode/src/bounded-map';

// Parsing a PEM key costs far more than an ECDSA signature; every signer reuses its KeyObject.
const MAX_CACHED_KEYS = 10_000;
const privateKeys = new BoundedMap<string, KeyObject>(MAX_CACHED_KEYS);

/*
 * Successful verifications, keyed by signature and digest, remembering the
 * key that verified them. A peer verifies a creator's signature when it
 * endorses and again when it validates the block; the second check of the
 * same (key, digest, signature) is answered from here. Failures are never cached.
 */
const MAX_VERIFIED = 50_000;
const verified = new BoundedMap<string, KeyObject>(MAX_VERIFIED);

/** SHA-256 of `data`. */
export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The KeyObject for a PKCS#8 PEM private key, parsed once. */
export function privateKeyOf(privateKeyPem: string): KeyObject {
  let key = privateKeys.get(privateKeyPem);
  if (!key) {
    key = createPrivateKey(privateKeyPem);
    privateKeys.set(privateKeyPem, key);
  }
  return key;
}

// Naming the digest makes OpenSSL 3 fetch it on every call, which costs more than dispatching the
// signature to the thread pool. For P-256 keys OpenSSL's default digest is SHA-256, so `null` is
// the same algorithm without the lookup (the PKI tests cross-check this against WebCrypto's ECDSA/SHA-256).
const defaultIsSha256 = new WeakMap<KeyObject, boolean>();

function digestFor(key: KeyObject): 'sha256' | null {
  let p256 = defaultIsSha256.get(key);
  if (p256 === undefined) {
    p256 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
    defaultIsSha256.set(key, p256);
  }
  return p256 ? null : 'sha256';
}

function keyOf(privateKey: string | KeyObject): KeyObject {
  return typeof privateKey === 'string' ? privateKeyOf(privateKey) : privateKey;
}

function publicKeyOf(signer: string | KeyObject): KeyObject {
  return typeof signer === 'string' ? certificateInfo(signer).publicKey : signer;
}

function memoKey(digest: Uint8Array, signature: Uint8Array): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64') +
    Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64');
}

function remember(key: string, publicKey: KeyObject): void {
  verified.set(key, publicKey);
}

/**
 * Signs a digest (or any short message) with ECDSA over SHA-256; returns a
 * DER-encoded signature.
 */
export function signDigest(privateKey: string | KeyObject, digest: Uint8Array): Buffer {
  const key = keyOf(privateKey);
  return sign(digestFor(key), digest, key);
}

/** {@link signDigest} on libuv's thread pool, keeping the event loop free. */
export function signDigestAsync(privateKey: string | KeyObject, digest: Uint8Array): Promise<Buffer> {
  const key = keyOf(privateKey);
  return new Promise((resolve, reject) => {
    sign(digestFor(key), digest, key, (err, signature) => (err ? reject(err) : resolve(signature)));
  });
}

/**
 * Verifies a DER ECDSA-SHA-256 signature made by {@link signDigest}.
 * `signer` is the signer's certificate PEM or its public KeyObject.
 */
export function verifySignature(signer: string | KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const publicKey = publicKeyOf(signer);
  const memo = memoKey(digest, signature);
  if (verified.get(memo) === publicKey) return true;
  let ok: boolean;
  try {
    ok = verify(digestFor(publicKey), digest, publicKey, signature);
  } catch {
    // Malformed DER is a bad signature, not an engine failure.
    ok = false;
  }
  if (ok) remember(memo, publicKey);
  return ok;
}

/** {@link verifySignature} on libuv's thread pool. */
export async function verifySignatureAsync(signer: string | KeyObject, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const publicKey = publicKeyOf(signer);
  const memo = memoKey(digest, signature);
  if (verified.get(memo) === publicKey) return true;
  const ok = await new Promise<boolean>((resolve) => {
    try {
      verify(digestFor(publicKey), digest, publicKey, signature, (err, result) => resolve(!err && result));
    } catch {
      resolve(false);
    }
  });
  if (ok) remember(memo, publicKey);
  return ok;
}
