import { createHash } from 'node:crypto';

/** The parts of a Fabric block that its hash chain covers. */
export interface FabricBlockHeader {
  number: bigint;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derTlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);
}

function derInteger(n: bigint): Buffer {
  if (n < 0n) throw new TypeError('block numbers are never negative');
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  // Two's complement: a set high bit would read as negative.
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derTlv(0x02, bytes);
}

/**
 * Fabric's block header bytes: the ASN.1 DER SEQUENCE {INTEGER number,
 * OCTET STRING previousHash, OCTET STRING dataHash} that the orderer hashes.
 */
export function blockHeaderBytes(h: FabricBlockHeader): Buffer {
  return derTlv(0x30, Buffer.concat([derInteger(h.number), derTlv(0x04, Buffer.from(h.previousHash)), derTlv(0x04, Buffer.from(h.dataHash))]));
}

/** SHA-256 of the header bytes: what the next block names as its previous hash. */
export function blockHeaderHash(h: FabricBlockHeader): Buffer {
  return createHash('sha256').update(blockHeaderBytes(h)).digest();
}

/** SHA-256 over the concatenated transaction envelopes, as Fabric computes a block's data hash. */
export function blockDataHash(data: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const d of data) hash.update(d);
  return hash.digest();
}
