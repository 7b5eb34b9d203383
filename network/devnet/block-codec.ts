import type { Block, BlockHeader, RawBlock, ValidationCode } from './types';

/**
 * A block on its way to the store: transactions are kept as the exact bytes
 * that were hashed, so nothing is re-encoded between hashing and storing.
 */
export interface EncodableBlock {
  header: BlockHeader;
  data: readonly Buffer[];
  metadata: { validationCodes: ValidationCode[] };
}

const FORMAT_VERSION = 1;

/*
 * Layout: u8 version, u32 length + header JSON, u32 length + metadata JSON,
 * u32 count, then each transaction as u32 length + UTF-8 bytes. Transactions
 * are framed rather than nested in JSON so envelopes are not escaped twice.
 */

/** Encodes a block for the store. */
export function encodeBlock(block: EncodableBlock): Buffer {
  const header = Buffer.from(JSON.stringify(block.header), 'utf8');
  const metadata = Buffer.from(JSON.stringify(block.metadata), 'utf8');
  let size = 1 + 4 + header.length + 4 + metadata.length + 4;
  for (const tx of block.data) size += 4 + tx.length;
  const out = Buffer.allocUnsafe(size);
  let o = out.writeUInt8(FORMAT_VERSION, 0);
  o = out.writeUInt32BE(header.length, o);
  o += header.copy(out, o);
  o = out.writeUInt32BE(metadata.length, o);
  o += metadata.copy(out, o);
  o = out.writeUInt32BE(block.data.length, o);
  for (const tx of block.data) {
    o = out.writeUInt32BE(tx.length, o);
    o += tx.copy(out, o);
  }
  return out;
}

interface Frame {
  header: BlockHeader;
  metadata: { validationCodes: ValidationCode[] };
  count: number;
  /** Offset of the first transaction's length prefix. */
  txStart: number;
}

function readFrame(buf: Buffer): Frame {
  if (buf.length < 13 || buf.readUInt8(0) !== FORMAT_VERSION) throw new Error('unknown block encoding');
  let o = 1;
  const hl = buf.readUInt32BE(o);
  o += 4;
  const header = JSON.parse(buf.toString('utf8', o, o + hl)) as BlockHeader;
  o += hl;
  const ml = buf.readUInt32BE(o);
  o += 4;
  const metadata = JSON.parse(buf.toString('utf8', o, o + ml)) as Frame['metadata'];
  o += ml;
  const count = buf.readUInt32BE(o);
  return { header, metadata, count, txStart: o + 4 };
}

/** Decodes a stored block. */
export function decodeBlock(buf: Buffer): Block {
  const raw = decodeRawBlock(buf);
  return { ...raw, data: raw.data.map((tx) => tx.toString('utf8')) };
}

/** Decodes a stored block, leaving each transaction as its stored bytes (views into `buf`, not copies). */
export function decodeRawBlock(buf: Buffer): RawBlock {
  const { header, metadata, count, txStart } = readFrame(buf);
  const data: Buffer[] = new Array<Buffer>(count);
  let o = txStart;
  for (let i = 0; i < count; i++) {
    const len = buf.readUInt32BE(o);
    o += 4;
    if (o + len > buf.length) throw new Error('truncated block');
    data[i] = buf.subarray(o, o + len);
    o += len;
  }
  return { header, data, metadata };
}

/** One transaction of a stored block, without decoding the others. */
export function decodeBlockTransaction(buf: Buffer, txNum: number): { envelope: string; validationCode: ValidationCode } | undefined {
  const { metadata, count, txStart } = readFrame(buf);
  if (txNum < 0 || txNum >= count) return undefined;
  let o = txStart;
  for (let i = 0; i < txNum; i++) o += 4 + buf.readUInt32BE(o);
  const len = buf.readUInt32BE(o);
  return { envelope: buf.toString('utf8', o + 4, o + 4 + len), validationCode: metadata.validationCodes[txNum] };
}
