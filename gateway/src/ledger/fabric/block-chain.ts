import { createHash, type X509Certificate } from 'node:crypto';
import { ordererSigned, type BlockSignature } from './block-signatures';

/** The parts of a Fabric block that its hash chain covers. */
export interface FabricBlockHeader {
  number: bigint;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}

/** A block as read from the ledger: header plus the raw transaction envelopes. */
export interface FabricBlock {
  header: FabricBlockHeader;
  data: Uint8Array[];
  /** The SIGNATURES metadata: its value and the orderer signatures over it and the header. */
  metadataValue?: Uint8Array;
  signatures?: BlockSignature[];
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

/** Result of checking a run of blocks. */
export interface FabricChainCheck {
  ok: boolean;
  checkedBlocks: number;
  firstBadBlock?: number;
  reason?: string;
}

/**
 * Checks blocks handed over in order (block 0 first, or a run continuing
 * from `previousHeaderHash`): each data hash is recomputed from the
 * envelopes, and each previous hash must equal the hash of the header before.
 * Pure: a lying peer is caught by the client.
 */
export class FabricChainVerifier {
  #previous: Buffer | undefined;
  #next: bigint;
  #checked = 0;
  #bad: { block: number; reason: string } | undefined;
  readonly #hashes: Buffer[] = [];

  readonly #ordererRoots: ReadonlyMap<string, X509Certificate[]> | undefined;

  /**
   * With `ordererRoots` (the orderer orgs' root certificates from the
   * channel config), every block after the genesis block must also carry a
   * valid orderer signature, so a peer that rewrites a block and its hashes
   * is still caught.
   */
  constructor(start: { number: bigint; previousHeaderHash?: Uint8Array } = { number: 0n }, ordererRoots?: ReadonlyMap<string, X509Certificate[]>) {
    this.#next = start.number;
    this.#previous = start.previousHeaderHash ? Buffer.from(start.previousHeaderHash) : undefined;
    this.#ordererRoots = ordererRoots;
  }

  /** Feeds the next block; returns false once a bad block has been seen. */
  add(block: FabricBlock): boolean {
    if (this.#bad) return false;
    const n = Number(block.header.number);
    const fail = (reason: string): boolean => {
      this.#bad = { block: n, reason };
      return false;
    };
    if (block.header.number !== this.#next) return fail(`expected block ${this.#next}, got ${block.header.number}`);
    if (!blockDataHash(block.data).equals(Buffer.from(block.header.dataHash))) return fail('data hash does not match the transactions');
    if (this.#previous && !this.#previous.equals(Buffer.from(block.header.previousHash))) {
      return fail('previous hash does not match the header of the block before');
    }
    if (this.#ordererRoots && block.header.number > 0n) {
      const parts = { header: block.header, metadataValue: block.metadataValue ?? new Uint8Array(), signatures: block.signatures ?? [] };
      if (!ordererSigned(parts, this.#ordererRoots)) return fail('no valid orderer signature');
    }
    this.#previous = blockHeaderHash(block.header);
    this.#hashes.push(this.#previous);
    this.#next += 1n;
    this.#checked++;
    return true;
  }

  /** Header hashes of the accepted blocks, in order (index = block number when the run starts at 0). */
  get headerHashes(): readonly Buffer[] {
    return this.#hashes;
  }

  /** Hash of the last accepted header. */
  get lastHeaderHash(): Buffer | undefined {
    return this.#previous;
  }

  result(): FabricChainCheck {
    return this.#bad
      ? { ok: false, checkedBlocks: this.#checked, firstBadBlock: this.#bad.block, reason: this.#bad.reason }
      : { ok: true, checkedBlocks: this.#checked };
  }
}
