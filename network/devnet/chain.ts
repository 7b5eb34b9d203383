import { createHash } from 'node:crypto';
import type { Block, BlockHeader, ChainVerification, RawBlock } from './types';

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Hex SHA-256 over a block's transactions. Each transaction is hashed as a
 * 4-byte big-endian length followed by its UTF-8 bytes; Fabric hashes the
 * bare concatenation, which lets bytes slide between adjacent transactions.
 */
export function computeDataHash(data: Iterable<string | Uint8Array>): string {
  const h = createHash('sha256');
  const len = Buffer.allocUnsafe(4);
  for (const tx of data) {
    const bytes = typeof tx === 'string' ? Buffer.from(tx, 'utf8') : tx;
    len.writeUInt32BE(bytes.length, 0);
    h.update(len);
    h.update(bytes);
  }
  return h.digest('hex');
}

/**
 * Hex SHA-256 of a header's deterministic encoding: the number as 8 bytes
 * big-endian, then previousHash and dataHash, each as a 1-byte length and its
 * raw bytes. Metadata is not hashed, as in Fabric.
 */
export function computeBlockHash(header: BlockHeader): string {
  const prev = Buffer.from(header.previousHash, 'hex');
  const data = Buffer.from(header.dataHash, 'hex');
  const buf = Buffer.allocUnsafe(8 + 1 + prev.length + 1 + data.length);
  buf.writeBigUInt64BE(BigInt(header.number), 0);
  let o = buf.writeUInt8(prev.length, 8);
  o += prev.copy(buf, o);
  o = buf.writeUInt8(data.length, o);
  data.copy(buf, o);
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Checks blocks one at a time, in order, keeping only the previous block's
 * hash: a whole ledger can be streamed through it.
 */
export class ChainVerifier {
  #expected = 0;
  #previousHash = '';
  #failure: { block: number; reason: string } | undefined;

  /** Checks the next block; returns false once the chain is broken. */
  push(block: Block | RawBlock): boolean {
    if (this.#failure) return false;
    const n = this.#expected;
    const fail = (reason: string): boolean => {
      this.#failure = { block: n, reason };
      return false;
    };
    const header = block?.header;
    if (!header || header.number !== n) return fail(`expected block ${n}, found ${String(header?.number)}`);
    if (!Array.isArray(block.data)) return fail(`block ${n} has no data`);
    if (n === 0 ? header.previousHash !== '' : !HEX_HASH.test(header.previousHash)) {
      return fail(`block ${n} has a malformed previousHash`);
    }
    if (!HEX_HASH.test(header.dataHash)) return fail(`block ${n} has a malformed dataHash`);
    if (header.previousHash !== this.#previousHash) {
      return fail(`block ${n} previousHash does not match the hash of block ${n - 1}`);
    }
    if (computeDataHash(block.data) !== header.dataHash) return fail(`block ${n} data does not match its dataHash`);
    if (!Array.isArray(block.metadata?.validationCodes) || block.metadata.validationCodes.length !== block.data.length) {
      return fail(`block ${n} metadata does not have one validation code per transaction`);
    }
    this.#previousHash = computeBlockHash(header);
    this.#expected = n + 1;
    return true;
  }

  /** Takes back the last block accepted: a check outside this class found it bad. */
  reject(reason: string): void {
    if (this.#failure || this.#expected === 0) return;
    this.#expected -= 1;
    this.#failure = { block: this.#expected, reason };
  }

  /** Hash of the last block accepted ('' before any). */
  get lastHash(): string {
    return this.#previousHash;
  }

  /** Blocks examined so far, the failing one included. */
  get checkedBlocks(): number {
    return this.#expected + (this.#failure ? 1 : 0);
  }

  /** Records a failure found outside the blocks themselves (e.g. a stored chain head). */
  fail(block: number, reason: string): void {
    if (!this.#failure) this.#failure = { block, reason };
  }

  result(height: number): ChainVerification {
    const out: ChainVerification = { ok: !this.#failure, height, checkedBlocks: this.checkedBlocks };
    if (this.#failure) {
      out.firstBadBlock = this.#failure.block;
      out.reason = this.#failure.reason;
    }
    return out;
  }
}

/**
 * Recomputes every block's dataHash and the previousHash links, starting at
 * the genesis block. Pure: it looks at nothing but `blocks`.
 */
export function verifyBlocks(blocks: readonly Block[]): ChainVerification {
  const verifier = new ChainVerifier();
  for (const block of blocks) {
    if (!verifier.push(block)) break;
  }
  return verifier.result(blocks.length);
}
