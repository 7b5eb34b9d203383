import { createPrivateKey, sign } from 'node:crypto';
import type { Signer } from '@hyperledger/fabric-gateway';

/** Order of the P-256 group; Fabric accepts only signatures with s ≤ n/2. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function readInteger(der: Buffer, at: number): { value: bigint; next: number } {
  if (der[at] !== 0x02) throw new TypeError('ECDSA signature: expected an INTEGER');
  const len = der[at + 1];
  const bytes = der.subarray(at + 2, at + 2 + len);
  return { value: BigInt(`0x${bytes.toString('hex') || '0'}`), next: at + 2 + len };
}

function integer(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/**
 * Rewrites a DER ECDSA P-256 signature to its low-S form (s → n − s when
 * s > n/2), which Fabric requires to rule out signature malleability.
 */
export function toLowS(der: Buffer): Buffer {
  if (der[0] !== 0x30) throw new TypeError('ECDSA signature: expected a SEQUENCE');
  const start = der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2;
  const r = readInteger(der, start);
  const s = readInteger(der, r.next);
  if (s.value <= P256_N / 2n) return der;
  const body = Buffer.concat([integer(r.value), integer(P256_N - s.value)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * A fabric-gateway signer on node:crypto (OpenSSL, on libuv's thread pool),
 * used with `hash.none`: it hashes and signs the whole message with
 * ECDSA P-256/SHA-256 and returns a low-S DER signature. The library's own
 * private-key signer runs ECDSA in JavaScript on the event loop.
 */
export function newNodeSigner(privateKeyPem: string): Signer {
  const key = createPrivateKey(privateKeyPem);
  return (message: Uint8Array) =>
    new Promise((resolve, reject) => {
      sign('sha256', message, key, (err, der) => (err ? reject(err) : resolve(toLowS(der))));
    });
}
