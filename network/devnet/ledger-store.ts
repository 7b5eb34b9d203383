import type { Level } from 'level';
import { decodeBlock, decodeBlockTransaction, decodeRawBlock, encodeBlock, type EncodableBlock } from './block-codec';
import type { Version } from './rwset';
import type { Block, RawBlock, ValidationCode } from './types';
import { openLevel } from './open-level';

/** A committed value and the version that wrote it. */
export interface VersionedValue {
  value: Buffer;
  version: Version;
}

export interface VersionedKV extends VersionedValue {
  key: string;
}

/** A timestamp as protobuf's Timestamp.toObject() gives it. */
export interface TxTimestamp {
  seconds: number;
  nanos: number;
}

/** One write to a key, as the history index keeps it. */
export interface HistoryEntry {
  txId: string;
  timestamp: TxTimestamp;
  isDelete: boolean;
  value: Buffer;
}

/** Where a transaction landed. */
export interface TxLocation {
  blockNum: number;
  txNum: number;
  validationCode: ValidationCode;
}

/** The chain head: number of blocks and the last block's hash. */
export interface ChainHead {
  height: number;
  lastHash: string;
}

/** A write to apply at commit, with the version it creates. */
export interface StateUpdate {
  key: string;
  isDelete: boolean;
  value: Buffer;
  version: Version;
  txId: string;
  timestamp: TxTimestamp;
}

/** Everything one block changes, written in one atomic batch. */
export interface BlockCommit {
  block: EncodableBlock;
  blockHash: string;
  updates: readonly StateUpdate[];
  /** Transactions to index by id; duplicates of earlier ids are left out. */
  txIndex: ReadonlyArray<{ txId: string; txNum: number; validationCode: ValidationCode }>;
}

const CODES: readonly ValidationCode[] = [
  'VALID',
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT_POLICY_FAILURE',
  'BAD_CREATOR_SIGNATURE',
  'DUPLICATE_TXID',
];
const CODE_INDEX = new Map(CODES.map((c, i) => [c, i]));

/*
 * Key spaces in the one LevelDB:
 *   s:<key>                          state: u32 blockNum, u32 txNum, value
 *   h:<len>:<key><block:12hex><tx:8hex>  history, one entry per write
 *   b:<block:12hex>                  block (block-codec)
 *   t:<txId>                         tx index: u32 blockNum, u32 txNum, u8 code
 *   m:head                           chain head (JSON)
 */
const STATE = 's:';
const STATE_END = 's;';
const HEAD_KEY = 'm:head';
const SCAN_CHUNK = 100;

function blockKey(n: number): string {
  return 'b:' + n.toString(16).padStart(12, '0');
}

function historyPrefix(key: string): string {
  // The length makes the prefix unambiguous: no other key's entries can start with it.
  return `h:${key.length.toString(16)}:${key}`;
}

function historyKey(key: string, v: Version): string {
  return historyPrefix(key) + v.blockNum.toString(16).padStart(12, '0') + v.txNum.toString(16).padStart(8, '0');
}

function encodeState(value: Buffer, v: Version): Buffer {
  const out = Buffer.allocUnsafe(8 + value.length);
  out.writeUInt32BE(v.blockNum, 0);
  out.writeUInt32BE(v.txNum, 4);
  value.copy(out, 8);
  return out;
}

function decodeVersion(buf: Buffer): Version {
  return { blockNum: buf.readUInt32BE(0), txNum: buf.readUInt32BE(4) };
}

function decodeState(buf: Buffer): VersionedValue {
  return { version: decodeVersion(buf), value: buf.subarray(8) };
}

function encodeHistory(u: StateUpdate): Buffer {
  const txId = Buffer.from(u.txId, 'utf8');
  const out = Buffer.allocUnsafe(1 + 8 + 4 + 1 + txId.length + u.value.length);
  let o = out.writeUInt8(u.isDelete ? 1 : 0, 0);
  o = out.writeDoubleBE(u.timestamp.seconds, o);
  o = out.writeUInt32BE(u.timestamp.nanos, o);
  o = out.writeUInt8(txId.length, o);
  o += txId.copy(out, o);
  u.value.copy(out, o);
  return out;
}

function decodeHistory(buf: Buffer): HistoryEntry {
  const isDelete = buf.readUInt8(0) === 1;
  const seconds = buf.readDoubleBE(1);
  const nanos = buf.readUInt32BE(9);
  const idLen = buf.readUInt8(13);
  const txId = buf.toString('utf8', 14, 14 + idLen);
  return { txId, timestamp: { seconds, nanos }, isDelete, value: buf.subarray(14 + idLen) };
}

function encodeTxLocation(blockNum: number, txNum: number, code: ValidationCode): Buffer {
  const out = Buffer.allocUnsafe(9);
  out.writeUInt32BE(blockNum, 0);
  out.writeUInt32BE(txNum, 4);
  out.writeUInt8(CODE_INDEX.get(code) ?? 0, 8);
  return out;
}

type Db = Level<string, Buffer>;
type Snapshot = ReturnType<Db['snapshot']>;

/** The reads a simulation makes, all from one committed state (see {@link LedgerStore.view}). */
export interface StateView {
  getState(key: string): VersionedValue | undefined;
  scanState(start: string, end: string, endInclusive?: boolean): Scan<VersionedKV>;
  scanHistory(key: string): Scan<HistoryEntry>;
  /** Releases the state; waits for scans still open. */
  close(): Promise<void>;
}
interface DbIterator {
  nextv(size: number): Promise<Array<[string, Buffer]>>;
  close(): Promise<void>;
}

/** LevelDB options of the ledger store (see {@link LedgerStore.open}). */
export const STORE_TUNING = {
  maxFileSize: 16 << 20,
  writeBufferSize: 16 << 20,
  cacheSize: 64 << 20,
} as const;

/** Reads a LevelDB iterator in chunks, so large ranges are never held whole. */
class ChunkedScan<T> {
  readonly #it: DbIterator;
  readonly #decode: (key: string, value: Buffer) => T;
  #chunk: Array<[string, Buffer]> = [];
  #i = 0;
  #ended = false;

  readonly #chunkSize: number;

  constructor(it: DbIterator, decode: (key: string, value: Buffer) => T, chunkSize = SCAN_CHUNK) {
    this.#it = it;
    this.#decode = decode;
    this.#chunkSize = chunkSize;
  }

  async next(): Promise<T | undefined> {
    if (this.#i >= this.#chunk.length) {
      if (this.#ended) return undefined;
      this.#chunk = await this.#it.nextv(this.#chunkSize);
      this.#i = 0;
      if (this.#chunk.length === 0) {
        this.#ended = true;
        await this.#it.close();
        return undefined;
      }
    }
    const [k, v] = this.#chunk[this.#i++];
    return this.#decode(k, v);
  }

  async close(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      await this.#it.close();
    }
  }
}

/** A pull-based cursor over store entries; close it when done early. */
export interface Scan<T> {
  next(): Promise<T | undefined>;
  close(): Promise<void>;
}

/**
 * The devnet's LevelDB: world state, history index, blocks, transaction
 * index and chain head, all in one database so one batch commits a block.
 */
export class LedgerStore {
  readonly #db: Db;

  private constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Opens (creating if needed) the LevelDB at `location`. LevelDB's defaults
   * suit small stores: with 2 MiB table files a million certificates make
   * over a thousand files, more than the 1,000 it keeps open, so every read
   * reopened one. Larger files, write buffer and block cache keep reads at
   * the same cost as the ledger grows.
   */
  static async open(location: string): Promise<LedgerStore> {
    return new LedgerStore(await openLevel<string, Buffer>(location, { keyEncoding: 'utf8', valueEncoding: 'buffer', ...STORE_TUNING }));
  }

  /** The committed value of `key`. Synchronous: LevelDB answers point reads from its caches in microseconds. */
  #getState(key: string, snapshot: Snapshot): VersionedValue | undefined {
    const buf = this.#db.getSync(STATE + key, { snapshot });
    return buf === undefined ? undefined : decodeState(buf);
  }

  /**
   * One committed state to read from, as a Fabric peer holds its commit lock
   * for a whole simulation or query: every point read, range scan and history
   * read of the view sees the state of the moment it was taken, whatever
   * blocks commit meanwhile. Close it when done (after its scans).
   */
  view(): StateView {
    const snapshot = this.#db.snapshot();
    return {
      getState: (key) => this.#getState(key, snapshot),
      scanState: (start, end, endInclusive = false) => this.#scanState(start, end, endInclusive, snapshot),
      scanHistory: (key) => this.#scanHistory(key, snapshot),
      close: () => snapshot.close(),
    };
  }

  /** Committed versions of many keys at once (null when absent). */
  async getVersions(keys: readonly string[]): Promise<Map<string, Version | null>> {
    const out = new Map<string, Version | null>();
    if (keys.length === 0) return out;
    const values = await this.#db.getMany(keys.map((k) => STATE + k));
    for (let i = 0; i < keys.length; i++) {
      const buf = values[i];
      out.set(keys[i], buf === undefined ? null : decodeVersion(buf));
    }
    return out;
  }

  /** Committed state from `start` up to `end` ('' = unbounded), in key order. */
  scanState(start: string, end: string, endInclusive = false): Scan<VersionedKV> {
    return this.#scanState(start, end, endInclusive);
  }

  #scanState(start: string, end: string, endInclusive: boolean, snapshot?: Snapshot): Scan<VersionedKV> {
    const range: { gte: string; lt?: string; lte?: string; snapshot?: Snapshot } = { gte: STATE + start, ...(snapshot ? { snapshot } : {}) };
    if (end === '') range.lt = STATE_END;
    else if (endInclusive) range.lte = STATE + end;
    else range.lt = STATE + end;
    return new ChunkedScan(this.#db.iterator(range), (k, v) => ({ key: k.slice(STATE.length), ...decodeState(v) }));
  }

  /** The writes to `key`, newest first (Fabric 2.x order). */
  #scanHistory(key: string, snapshot: Snapshot): Scan<HistoryEntry> {
    const prefix = historyPrefix(key);
    // History keys end in hex digits, all below 'g'.
    return new ChunkedScan(this.#db.iterator({ gte: prefix, lt: prefix + 'g', reverse: true, snapshot }), (_k, v) => decodeHistory(v));
  }

  async getHead(): Promise<ChainHead | undefined> {
    const buf = await this.#db.get(HEAD_KEY);
    return buf === undefined ? undefined : (JSON.parse(buf.toString('utf8')) as ChainHead);
  }

  async getRawBlock(n: number): Promise<Buffer | undefined> {
    return this.#db.get(blockKey(n));
  }

  async getBlock(n: number): Promise<Block | undefined> {
    const buf = await this.getRawBlock(n);
    return buf === undefined ? undefined : decodeBlock(buf);
  }

  /** Blocks [from, to) in one batched read, transactions as stored bytes; undefined where a block is not there. */
  async getRawBlocks(from: number, to: number): Promise<Array<RawBlock | undefined>> {
    const keys: string[] = [];
    for (let n = from; n < to; n++) keys.push(blockKey(n));
    if (keys.length === 0) return [];
    return (await this.#db.getMany(keys)).map((buf) => (buf === undefined ? undefined : decodeRawBlock(buf)));
  }

  /** One transaction's envelope and code, read from its block. */
  async getBlockTransaction(blockNum: number, txNum: number): Promise<{ envelope: string; validationCode: ValidationCode } | undefined> {
    const buf = await this.getRawBlock(blockNum);
    return buf === undefined ? undefined : decodeBlockTransaction(buf, txNum);
  }

  /** All stored blocks in key order, a few at a time (blocks can be megabytes each), transactions as stored bytes. */
  scanBlocks(): Scan<{ storedAs: number; block: RawBlock }> {
    const decode = (k: string, v: Buffer): { storedAs: number; block: RawBlock } => ({ storedAs: parseInt(k.slice(2), 16), block: decodeRawBlock(v) });
    return new ChunkedScan(this.#db.iterator({ gte: 'b:', lt: 'b;' }), decode, 4);
  }

  async getTxLocation(txId: string): Promise<TxLocation | undefined> {
    const buf = await this.#db.get('t:' + txId);
    if (buf === undefined) return undefined;
    return { blockNum: buf.readUInt32BE(0), txNum: buf.readUInt32BE(4), validationCode: CODES[buf.readUInt8(8)] };
  }

  /** Which of `txIds` are already in the ledger. */
  async knownTxIds(txIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (txIds.length === 0) return out;
    const values = await this.#db.getMany(txIds.map((id) => 't:' + id));
    values.forEach((v, i) => {
      if (v !== undefined) out.add(txIds[i]);
    });
    return out;
  }

  /** Writes a block with its state, history, index and head changes in one atomic batch. */
  async commitBlock(commit: BlockCommit, sync: boolean): Promise<void> {
    const blockNum = commit.block.header.number;
    // A chained batch: abstract-level's array form clones and re-checks every operation, ten times slower.
    const batch = this.#db.batch();
    for (const u of commit.updates) {
      if (u.isDelete) batch.del(STATE + u.key);
      else batch.put(STATE + u.key, encodeState(u.value, u.version));
      batch.put(historyKey(u.key, u.version), encodeHistory(u));
    }
    for (const t of commit.txIndex) batch.put('t:' + t.txId, encodeTxLocation(blockNum, t.txNum, t.validationCode));
    batch.put(blockKey(blockNum), encodeBlock(commit.block));
    const head: ChainHead = { height: blockNum + 1, lastHash: commit.blockHash };
    batch.put(HEAD_KEY, Buffer.from(JSON.stringify(head), 'utf8'));
    await batch.write({ sync });
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

/** Store key of block `n`, for tools that open the LevelDB directly (tests that tamper with it). */
export const storeKeyOfBlock = blockKey;
