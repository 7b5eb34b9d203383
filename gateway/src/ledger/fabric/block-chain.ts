import type { X509Certificate } from 'node:crypto';
import { blockDataHash, blockHeaderHash, type FabricBlockHeader } from './block-header';
import { ordererSigned, type BlockSignature } from './block-signatures';

export { blockDataHash, blockHeaderBytes, blockHeaderHash, type FabricBlockHeader } from './block-header';

/** A block as read from the ledger: header plus the raw transaction envelopes. */
export interface FabricBlock {
  header: FabricBlockHeader;
  data: Uint8Array[];
  /** The SIGNATURES metadata: its value and the orderer signatures over it and the header. */
  metadataValue?: Uint8Array;
  signatures?: BlockSignature[];
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
