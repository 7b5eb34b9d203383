import { sortByKey } from './keys';

/** A committed key's version: the block and transaction that last wrote it. */
export interface Version {
  blockNum: number;
  txNum: number;
}

/** A read: the key and the version seen, or null when the key was absent. */
export interface KVRead {
  key: string;
  version: Version | null;
}

/** A write; a delete carries an empty value. */
export interface KVWrite {
  key: string;
  isDelete: boolean;
  value: Buffer;
}

/**
 * A range read, kept for phantom validation. When the chaincode stopped
 * before the iterator was exhausted, `endKey` is the last key it read and
 * the range is inclusive of it (as Fabric records it).
 */
export interface RangeQueryInfo {
  startKey: string;
  endKey: string;
  itrExhausted: boolean;
  reads: KVRead[];
}

/** A transaction's read-write set. */
export interface TxRwSet {
  reads: KVRead[];
  rangeQueries: RangeQueryInfo[];
  writes: KVWrite[];
}

/** The JSON form a read-write set takes inside a transaction envelope. */
export interface TxRwSetJson {
  reads: Array<{ key: string; version: Version | null }>;
  rangeQueries: RangeQueryInfo[];
  writes: Array<{ key: string; isDelete: boolean; value: string }>;
}

/** True when two versions are the same (both absent counts as the same). */
export function sameVersion(a: Version | null | undefined, b: Version | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/** Collects reads and writes during one simulation, as Fabric's RWSetBuilder does. */
export class RwSetBuilder {
  readonly #reads = new Map<string, Version | null>();
  readonly #writes = new Map<string, KVWrite>();
  readonly #ranges: RangeQueryInfo[] = [];

  /** Keeps the first version seen: a later, different one is caught by MVCC anyway. */
  addRead(key: string, version: Version | null): void {
    if (!this.#reads.has(key)) this.#reads.set(key, version);
  }

  addWrite(key: string, value: Uint8Array | null): void {
    // Fabric stores an empty value as a delete (proto3 drops empty bytes).
    const isDelete = value === null || value.length === 0;
    const buf = isDelete ? Buffer.alloc(0) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    // Copy: the chaincode may reuse its buffer after putState returns.
    this.#writes.set(key, { key, isDelete, value: isDelete ? buf : Buffer.from(buf) });
  }

  addRangeQuery(info: RangeQueryInfo): void {
    this.#ranges.push(info);
  }

  get hasWrites(): boolean {
    return this.#writes.size > 0;
  }

  /** The read-write set, keys sorted so identical simulations give identical bytes. */
  build(): TxRwSet {
    const reads = sortByKey([...this.#reads].map(([key, version]) => ({ key, version })));
    const writes = sortByKey([...this.#writes.values()]);
    return { reads, rangeQueries: this.#ranges, writes };
  }
}

/** The envelope form of a read-write set (values base64). */
export function rwSetToJson(rwset: TxRwSet): TxRwSetJson {
  return {
    reads: rwset.reads,
    rangeQueries: rwset.rangeQueries,
    writes: rwset.writes.map((w) => ({ key: w.key, isDelete: w.isDelete, value: w.value.toString('base64') })),
  };
}

/** Reads a read-write set back from its envelope form. */
export function rwSetFromJson(json: TxRwSetJson): TxRwSet {
  return {
    reads: json.reads,
    rangeQueries: json.rangeQueries,
    writes: json.writes.map((w) => ({ key: w.key, isDelete: w.isDelete, value: Buffer.from(w.value, 'base64') })),
  };
}
