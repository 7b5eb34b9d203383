import { createRequire } from 'node:module';
import type { ChaincodeProposal, ChaincodeResponse, Iterators, SerializedIdentity, SplitCompositekey, StateQueryResponse, Timestamp } from 'fabric-shim';
import type { ShimStub } from './chaincode';
import { createCompositeKey, EMPTY_KEY_SUBSTITUTE, MAX_UNICODE_RUNE, splitCompositeKey, validateSimpleKeys } from './keys';
import type { HistoryEntry, Scan, StateView, TxTimestamp, VersionedKV } from './ledger-store';
import { RwSetBuilder, type RangeQueryInfo, type TxRwSet } from './rwset';
import { sha256 } from '../pki';
import type { ChaincodeEventData } from './transaction';

// fabric-shim's own copy of `long`, so timestamps are the very Long class chaincode code expects.
const Long = createRequire(require.resolve('fabric-shim'))('long') as {
  fromNumber(value: number, unsigned?: boolean): Timestamp['seconds'];
};

/** Results a Fabric peer sends the chaincode per round trip; range reads are recorded in these batches, as on a peer. */
const QUERY_BATCH = 100;

/** What the stub needs to know about the transaction it simulates. */
export interface StubOptions {
  /** One committed state for the whole simulation. */
  store: Omit<StateView, 'close'>;
  channel: string;
  chaincodeName: string;
  txId: string;
  timestamp: TxTimestamp;
  creator: { mspId: string; certificatePem: string };
  nonce: Buffer;
  /** `[fn, ...args]`. */
  args: string[];
  transient: Map<string, Uint8Array>;
  /** MSP of the peer running the chaincode. */
  peerMspId: string;
}

/** The outcome of one simulation. */
export interface Simulation {
  rwset: TxRwSet;
  event: ChaincodeEventData | undefined;
}

type KV = Iterators.KV;
type KeyModification = Iterators.KeyModification;
type Done<T> = Iterators.NextResult<T>;

// fabric-shim resolves `{done: true}` without a value at the end; its published type insists on one.
const DONE = { done: true } as Done<never>;

function asIterable<T, R extends object>(promise: Promise<R>, pick: (r: R) => Iterators.CommonIterator<T>): Promise<R> & AsyncIterable<T> {
  const out = promise as Promise<R> & AsyncIterable<T>;
  // Mirrors fabric-shim's convertToAsyncIterator: `for await` over the promise itself, closing at the end or on break.
  out[Symbol.asyncIterator] = () => {
    let it: Iterators.CommonIterator<T> | undefined;
    return {
      async next(): Promise<IteratorResult<T>> {
        it ??= pick(await promise);
        const r = await it.next();
        if (r.done) {
          await it.close();
          return { done: true, value: undefined };
        }
        return { done: false, value: r.value };
      },
      async return(): Promise<IteratorResult<T>> {
        if (it) await it.close();
        return { done: true, value: undefined };
      },
    };
  };
  return out;
}

/** A chaincode-side iterator over results fetched from the store in batches. */
class BatchIterator<T> implements Iterators.CommonIterator<T> {
  #batch: T[];
  #i = 0;
  readonly #more: () => Promise<T[]>;
  readonly #close: () => Promise<void>;

  constructor(first: T[], more: () => Promise<T[]>, close: () => Promise<void>) {
    this.#batch = first;
    this.#more = more;
    this.#close = close;
  }

  async next(): Promise<Done<T>> {
    if (this.#i >= this.#batch.length) {
      this.#batch = await this.#more();
      this.#i = 0;
      if (this.#batch.length === 0) return DONE;
    }
    return { value: this.#batch[this.#i++], done: false };
  }

  close(): Promise<void> {
    return this.#close();
  }
}

/**
 * A range scan as a Fabric peer serves it to chaincode: results leave the
 * store in batches, and every batch fetched is recorded for phantom checks,
 * whether or not the chaincode reads it all.
 */
class RecordedRange {
  readonly info: RangeQueryInfo;
  readonly #scan: Scan<VersionedKV>;
  readonly #endKey: string;
  readonly #limit: number;
  readonly #namespace: string;
  #returned = 0;
  #exhausted = false;
  #scanEnded = false;

  constructor(scan: Scan<VersionedKV>, startKey: string, endKey: string, limit: number, namespace: string) {
    this.#scan = scan;
    this.#endKey = endKey;
    this.#limit = limit;
    this.#namespace = namespace;
    this.info = { startKey, endKey: startKey, itrExhausted: false, reads: [] };
  }

  #markExhausted(): void {
    // Fabric: once its iterator says "no more" (end of data or of the page), the read covers the whole queried range.
    this.#exhausted = true;
    this.info.itrExhausted = true;
    this.info.endKey = this.#endKey;
  }

  /** Fetches up to `max` results (all of a page when paginated). */
  async fetch(max: number): Promise<KV[]> {
    const out: KV[] = [];
    while (!this.#exhausted && out.length < max) {
      if (this.#limit > 0 && this.#returned >= this.#limit) {
        this.#markExhausted();
        break;
      }
      const kv = await this.#scan.next();
      if (!kv) {
        this.#scanEnded = true;
        this.#markExhausted();
        break;
      }
      this.#returned++;
      this.info.reads.push({ key: kv.key, version: kv.version });
      this.info.endKey = kv.key;
      out.push({ namespace: this.#namespace, key: kv.key, value: kv.value });
    }
    return out;
  }

  /** The key a next page would start from, without recording it; '' when there is none. */
  async bookmark(): Promise<string> {
    if (this.#scanEnded) return '';
    const next = await this.#scan.next();
    return next ? next.key : '';
  }

  close(): Promise<void> {
    return this.#scan.close();
  }
}

/**
 * The ChaincodeStub API over the devnet's LevelDB. Reads see committed state
 * only (not this transaction's own writes, as in Fabric) and are recorded with
 * their versions; writes go to the write set.
 */
export class DevnetStub implements ShimStub {
  readonly #o: StubOptions;
  readonly #rw = new RwSetBuilder();
  readonly #bufferArgs: Buffer[];
  readonly #creator: SerializedIdentity;
  readonly #open = new Set<{ close(): Promise<void> }>();
  #event: ChaincodeEventData | undefined;
  #paginated = false;
  #done = false;

  constructor(options: StubOptions) {
    this.#o = options;
    this.#bufferArgs = options.args.map((a) => Buffer.from(a, 'utf8'));
    this.#creator = { mspid: options.creator.mspId, idBytes: Buffer.from(options.creator.certificatePem, 'utf8') };
  }

  /** Ends the simulation: releases open scans and returns what was recorded. */
  async finish(): Promise<Simulation> {
    this.#done = true;
    await Promise.all([...this.#open].map((s) => s.close()));
    this.#open.clear();
    return { rwset: this.#rw.build(), event: this.#event };
  }

  #checkDone(): void {
    if (this.#done) throw new Error('this instance should not be used after calling Done()');
  }

  #checkWrite(key: unknown): asserts key is string {
    this.#checkDone();
    if (typeof key !== 'string' || key.length === 0) throw new Error('key must not be an empty string');
    if (this.#paginated) {
      throw new Error(`txid [${this.#o.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`);
    }
  }

  getArgs(): string[] {
    return [...this.#o.args];
  }

  getStringArgs(): string[] {
    return [...this.#o.args];
  }

  getBufferArgs(): Buffer[] {
    return this.#bufferArgs;
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.#o.args;
    return { fcn, params };
  }

  getTxID(): string {
    return this.#o.txId;
  }

  getChannelID(): string {
    return this.#o.channel;
  }

  getCreator(): SerializedIdentity {
    return this.#creator;
  }

  getMspID(): string {
    return this.#o.peerMspId;
  }

  getTransient(): Map<string, Uint8Array> {
    return this.#o.transient;
  }

  getSignedProposal(): ChaincodeProposal.SignedProposal {
    throw new Error('getSignedProposal is not supported by the devnet');
  }

  getTxTimestamp(): Timestamp {
    return { seconds: Long.fromNumber(this.#o.timestamp.seconds, true), nanos: this.#o.timestamp.nanos };
  }

  getDateTimestamp(): Date {
    return new Date(this.#o.timestamp.seconds * 1000 + this.#o.timestamp.nanos / 1e6);
  }

  getBinding(): string {
    // Fabric: SHA-256 of nonce, creator and the 8-byte little-endian epoch (always 0).
    return sha256(Buffer.concat([this.#o.nonce, this.#creator.idBytes, Buffer.alloc(8)])).toString('hex');
  }

  async getState(key: string): Promise<Uint8Array> {
    this.#checkDone();
    if (typeof key !== 'string') throw new Error('key must be a string');
    const v = this.#o.store.getState(key);
    this.#rw.addRead(key, v ? v.version : null);
    return v ? v.value : Buffer.alloc(0);
  }

  async putState(key: string, value: Uint8Array | string): Promise<void> {
    this.#checkWrite(key);
    let bytes: Uint8Array;
    if (typeof value === 'string') bytes = Buffer.from(value, 'utf8');
    else if (value instanceof Uint8Array) bytes = value;
    else throw new Error('value must be a Buffer, Uint8Array or string');
    this.#rw.addWrite(key, bytes);
  }

  async deleteState(key: string): Promise<void> {
    this.#checkWrite(key);
    this.#rw.addWrite(key, null);
  }

  async setStateValidationParameter(): Promise<void> {
    throw new Error('key-level endorsement policies are not supported by the devnet');
  }

  async getStateValidationParameter(): Promise<Uint8Array> {
    throw new Error('key-level endorsement policies are not supported by the devnet');
  }

  async #range(startKey: string, endKey: string, pageSize: number | undefined, bookmark: string | undefined) {
    this.#checkDone();
    const paginated = pageSize !== undefined;
    if (paginated) {
      if (this.#rw.hasWrites) {
        throw new Error(`txid [${this.#o.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`);
      }
      this.#paginated = true;
    }
    // As on a peer: a bookmark replaces the start key; a page size of 0 or less means no limit.
    const start = paginated && bookmark ? bookmark : startKey;
    const limit = paginated ? Math.max(0, Math.trunc(pageSize)) : 0;
    const range = new RecordedRange(this.#o.store.scanState(start, endKey), start, endKey, limit, this.#o.chaincodeName);
    this.#rw.addRangeQuery(range.info);
    this.#open.add(range);
    const close = async (): Promise<void> => {
      this.#open.delete(range);
      await range.close();
    };
    if (!paginated) {
      const first = await range.fetch(QUERY_BATCH);
      return { iterator: new BatchIterator(first, () => range.fetch(QUERY_BATCH), close), metadata: undefined };
    }
    // A peer reads a whole page at once, and the page's bookmark is the key after it.
    const page = await range.fetch(limit > 0 ? limit : Number.MAX_SAFE_INTEGER);
    const next = await range.bookmark();
    await close();
    // Fabric sends the metadata as protobuf, where an empty page with no
    // bookmark serialises to zero bytes, and fabric-shim then leaves metadata out.
    return {
      iterator: new BatchIterator(page, async () => [], async () => undefined),
      metadata: page.length === 0 && !next ? undefined : { fetchedRecordsCount: page.length, bookmark: next },
    };
  }

  getStateByRange(startKey: string, endKey: string): Promise<Iterators.StateQueryIterator> & AsyncIterable<KV> {
    const start = startKey || EMPTY_KEY_SUBSTITUTE;
    let p: Promise<Iterators.StateQueryIterator>;
    try {
      validateSimpleKeys(start, endKey);
      p = this.#range(start, endKey ?? '', undefined, undefined).then((r) => r.iterator);
    } catch (err) {
      p = Promise.reject(err);
    }
    return asIterable(p, (it) => it);
  }

  getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark?: string,
  ): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<KV> {
    const start = startKey || EMPTY_KEY_SUBSTITUTE;
    let p: Promise<StateQueryResponse<Iterators.StateQueryIterator>>;
    try {
      validateSimpleKeys(start, endKey);
      p = this.#range(start, endKey ?? '', Number(pageSize), bookmark || '').then((r) => ({ iterator: r.iterator, metadata: r.metadata! }));
    } catch (err) {
      p = Promise.reject(err);
    }
    return asIterable(p, (r) => r.iterator);
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<Iterators.StateQueryIterator> & AsyncIterable<KV> {
    // Throws synchronously for bad parts, as fabric-shim does.
    const prefix = createCompositeKey(objectType, attributes);
    const p = this.#range(prefix, prefix + MAX_UNICODE_RUNE, undefined, undefined).then((r) => r.iterator);
    return asIterable(p, (it) => it);
  }

  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<KV> {
    const prefix = createCompositeKey(objectType, attributes);
    const p = this.#range(prefix, prefix + MAX_UNICODE_RUNE, Number(pageSize), bookmark || '').then((r) => ({
      iterator: r.iterator,
      metadata: r.metadata!,
    }));
    return asIterable(p, (r) => r.iterator);
  }

  getQueryResult(): Promise<Iterators.StateQueryIterator> & AsyncIterable<KV> {
    return asIterable(Promise.reject(new Error('ExecuteQuery not supported for leveldb')), (it: Iterators.StateQueryIterator) => it);
  }

  getQueryResultWithPagination(): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<KV> {
    return asIterable(
      Promise.reject(new Error('ExecuteQuery not supported for leveldb')),
      (r: StateQueryResponse<Iterators.StateQueryIterator>) => r.iterator,
    );
  }

  getHistoryForKey(key: string): Promise<Iterators.HistoryQueryIterator> & AsyncIterable<KeyModification> {
    const load = async (): Promise<Iterators.HistoryQueryIterator> => {
      this.#checkDone();
      const scan = this.#o.store.scanHistory(key);
      this.#open.add(scan);
      const more = async (): Promise<KeyModification[]> => {
        const out: KeyModification[] = [];
        for (let e: HistoryEntry | undefined; out.length < QUERY_BATCH && (e = await scan.next()); ) {
          // fabric-shim hands out Timestamp.toObject(): plain numbers, although its type says Long.
          out.push({ txId: e.txId, value: e.value, isDelete: e.isDelete, timestamp: e.timestamp as unknown as Timestamp });
        }
        return out;
      };
      const close = async (): Promise<void> => {
        this.#open.delete(scan);
        await scan.close();
      };
      return new BatchIterator(await more(), more, close);
    };
    return asIterable(load(), (it) => it);
  }

  async invokeChaincode(): Promise<ChaincodeResponse> {
    throw new Error('chaincode-to-chaincode calls are not supported by the devnet');
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name === '') throw new Error('Event name must be a non-empty string');
    const bytes = payload === undefined || payload === null ? Buffer.alloc(0) : Buffer.from(payload);
    // One event per transaction: the last call wins.
    this.#event = { name, payload: bytes };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes);
  }

  splitCompositeKey(compositeKey: string): SplitCompositekey {
    return splitCompositeKey(compositeKey);
  }

  async getPrivateData(): Promise<Uint8Array> {
    throw new Error('private data is not supported by the devnet');
  }

  async getPrivateDataHash(): Promise<Uint8Array> {
    throw new Error('private data is not supported by the devnet');
  }

  async putPrivateData(): Promise<void> {
    throw new Error('private data is not supported by the devnet');
  }

  async deletePrivateData(): Promise<void> {
    throw new Error('private data is not supported by the devnet');
  }

  async purgePrivateData(): Promise<void> {
    throw new Error('private data is not supported by the devnet');
  }

  async setPrivateDataValidationParameter(): Promise<void> {
    throw new Error('private data is not supported by the devnet');
  }

  async getPrivateDataValidationParameter(): Promise<Uint8Array> {
    throw new Error('private data is not supported by the devnet');
  }

  getPrivateDataByRange(): Promise<Iterators.StateQueryIterator> & AsyncIterable<KV> {
    return asIterable(Promise.reject(new Error('private data is not supported by the devnet')), (it: Iterators.StateQueryIterator) => it);
  }

  getPrivateDataByPartialCompositeKey(): Promise<Iterators.StateQueryIterator> & AsyncIterable<KV> {
    return asIterable(Promise.reject(new Error('private data is not supported by the devnet')), (it: Iterators.StateQueryIterator) => it);
  }

  getPrivateDataQueryResult(): Promise<Iterators.StateQueryIterator> & AsyncIterable<KV> {
    return asIterable(Promise.reject(new Error('private data is not supported by the devnet')), (it: Iterators.StateQueryIterator) => it);
  }
}
