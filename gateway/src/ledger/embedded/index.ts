import { contracts } from '../../../../chaincode/src';
import { MSP, ORG_NAMES } from '../../../../chaincode/src/models';
import { openDevnet, EndorseError, CommitError, type Devnet } from '../../../../network/devnet';
import type { ChaincodeEvent } from '../../../../network/devnet/types';
import type { CertifiedKey, SigningIdentity } from '../../../../network/pki/types';
import type { ChainCheck, Committed, EventListener, Ledger, LedgerEvent, LedgerTransaction, SubscribeOptions } from '../ledger';
import { uncodedChaincodeFailure } from '../ledger';
import { CodedError, isErrorCode, parseCodedMessage } from '../../../../chaincode/src/errors';

export interface EmbeddedOptions {
  /** The devnet's LedgerDB and crypto live here. */
  dataDir: string;
  block?: { maxTx?: number; timeoutMs?: number };
  /** See the devnet's `checkDeterminism`. */
  checkDeterminism?: boolean;
  /** Payload bytes of live events held for one busy subscriber before it reads them from the store instead; default 1 MiB. */
  liveQueueBytes?: number;
}

/** Channel and chaincode names, the same on the embedded ledger and on Fabric. */
export const CHANNEL = 'civic';
export const CHAINCODE = 'civic';

/** The consortium's orgs as the embedded network bootstraps them. */
export const CONSORTIUM = [
  { mspId: MSP.civil, name: ORG_NAMES.civil },
  { mspId: MSP.charity, name: ORG_NAMES.charity },
  { mspId: MSP.audit, name: ORG_NAMES.audit },
];

/** Turns an engine failure into the seam's CodedError; anything else passes through. */
export function toLedgerError(err: unknown): unknown {
  if (err instanceof EndorseError) {
    const parsed = parseCodedMessage(err.message);
    if (parsed) return new CodedError(parsed.code, parsed.detail, { txId: err.txId, cause: err });
    return uncodedChaincodeFailure(err.message, err.txId, err);
  }
  if (err instanceof CommitError) {
    const code = isErrorCode(err.validationCode) ? err.validationCode : 'INTERNAL';
    return new CodedError(code, `transaction ${err.txId} was invalidated in block ${err.blockNumber} (${err.validationCode})`, { txId: err.txId, cause: err });
  }
  return err;
}

/** Blocks a replay reads from the store at a time: few, as a block of imports runs to megabytes. */
const REPLAY_PAGE_BLOCKS = 4;
/**
 * Replays reading and decoding blocks at the same time; the others queue.
 * Decoding is CPU work on the one event loop, so more at once would only
 * delay every other request without finishing any replay sooner.
 */
const CONCURRENT_REPLAY_READS = 2;
/** Default of {@link EmbeddedOptions.liveQueueBytes}: some thousands of events, or a few imports of a thousand records. */
const LIVE_QUEUE_BYTES = 1 << 20;

/** At most `size` tasks at a time, the others in arrival order. */
class Limiter {
  readonly #size: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.#size = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

/** What the embedded engine's chain check covers for every block (network/devnet/chain.ts). */
const EMBEDDED_CHAIN_CHECKS = ['data-hash', 'hash-chain', 'transaction-signatures'] as const;

class EmbeddedLedger implements Ledger {
  readonly backend = 'embedded' as const;
  readonly supports = { blockProofs: true, events: true };
  readonly certificateAuthorities: ReadonlyMap<string, CertifiedKey>;
  readonly #devnet: Devnet;
  /** Replays reading blocks from the store; the others wait their turn. */
  readonly #replayReads = new Limiter(CONCURRENT_REPLAY_READS);
  /** Live events' payloads as text, shared by every subscriber. */
  readonly #payloads = new WeakMap<ChaincodeEvent, string>();
  readonly #liveQueueBytes: number;

  constructor(devnet: Devnet, liveQueueBytes = LIVE_QUEUE_BYTES) {
    this.#devnet = devnet;
    this.#liveQueueBytes = liveQueueBytes;
    this.certificateAuthorities = new Map([...devnet.orgs.values()].map((o) => [o.mspId, o.ca]));
  }

  async submit(identity: SigningIdentity, fn: string, args: string[]): Promise<Committed> {
    try {
      const r = await this.#devnet.submit(identity, fn, args);
      return { txId: r.txId, blockNumber: r.blockNumber, payload: Buffer.from(r.payload).toString('utf8') };
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<string> {
    try {
      return Buffer.from(await this.#devnet.evaluate(identity, fn, args)).toString('utf8');
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async height(): Promise<number> {
    try {
      return await this.#devnet.height();
    } catch (err) {
      throw new CodedError('LEDGER_UNAVAILABLE', 'the embedded ledger is closed', { cause: err });
    }
  }

  blockTime(n: number): Promise<string | undefined> {
    return this.#devnet.blockTime(n);
  }

  transactionBlock(txId: string): Promise<number | undefined> {
    return this.#devnet.transactionBlock(txId);
  }

  async transaction(txId: string): Promise<LedgerTransaction | undefined> {
    const t = await this.#devnet.getTransaction(txId);
    if (!t) return undefined;
    const sep = t.function.indexOf(':');
    return {
      txId: t.txId,
      blockNumber: t.blockNumber,
      timestamp: t.timestamp,
      creator: t.creator,
      contract: sep >= 0 ? t.function.slice(0, sep) : '',
      function: sep >= 0 ? t.function.slice(sep + 1) : t.function,
      validationCode: t.validationCode,
      endorsers: t.endorsers,
      writes: t.writes,
    };
  }

  async verifyChain(): Promise<ChainCheck> {
    const v = await this.#devnet.verifyChain();
    const out: ChainCheck = { ok: v.ok, height: v.height, checkedBlocks: v.checkedBlocks, checks: [...EMBEDDED_CHAIN_CHECKS] };
    if (!v.ok) {
      out.firstBadBlock = v.firstBadBlock;
      out.reason = v.reason ?? `block ${String(v.firstBadBlock)} fails the chain check`;
    }
    return out;
  }

  /**
   * One loop per subscriber, delivering one event at a time. Replay reads
   * the store a page of blocks at a time, only while the listener keeps up.
   * Live events wait in a short queue while the listener is busy; when the
   * queue would pass its limit it is dropped and those blocks are read back
   * from the store instead, so a slow subscriber holds no more than a page
   * and a queue. Positions already delivered are skipped, which keeps the
   * hand-overs between store and queue free of gaps and duplicates.
   */
  subscribe(listener: EventListener, options: SubscribeOptions = {}, onError?: (err: unknown) => void): () => void {
    const { names } = options;
    let stopped = false;
    const queue: LedgerEvent[] = [];
    let queuedBytes = 0;
    /** The first block whose live events a full queue dropped: from there on they must come from the store. */
    let dropped: number | undefined;
    let wake: (() => void) | undefined;
    let liveBlock = -1;
    let liveIndex = -1;
    // Listen first and read the height after: every block below it comes from the store, every later one is queued.
    const off = this.#devnet.onEvent((e) => {
      if (stopped) return;
      liveIndex = e.blockNumber === liveBlock ? liveIndex + 1 : 0;
      liveBlock = e.blockNumber;
      if ((names && !names.has(e.eventName)) || dropped !== undefined) return;
      if (queue.length > 0 && queuedBytes + e.payload.length > this.#liveQueueBytes) {
        dropped = queue[0].blockNumber;
        queue.length = 0;
        queuedBytes = 0;
      } else {
        queue.push(this.#toLedgerEvent(e, liveIndex));
        queuedBytes += e.payload.length;
      }
      wake?.();
    });
    void (async () => {
      const from = options.fromBlock ?? (await this.#devnet.height());
      /** The last position delivered; nothing at or before it goes out again. */
      let done = { block: from, index: -1 };
      const deliver = async (e: LedgerEvent): Promise<void> => {
        if (e.blockNumber < done.block || (e.blockNumber === done.block && e.index <= done.index)) return;
        done = { block: e.blockNumber, index: e.index };
        await listener(e);
      };
      /** Every block below this one has been delivered. */
      let stored = from;
      let fromStore = true;
      while (!stopped) {
        if (fromStore) {
          // Whatever is queued or was dropped now belongs to a block below the height read next, so the store has it.
          queue.length = 0;
          queuedBytes = 0;
          dropped = undefined;
          const height = await this.#devnet.height();
          if (stored >= height) {
            fromStore = false;
            continue;
          }
          const to = Math.min(height, stored + REPLAY_PAGE_BLOCKS);
          const page = await this.#replayReads.run(async () => (stopped ? [] : this.#devnet.storedEvents(stored, to, { names })));
          for (const e of page) {
            if (stopped) return;
            await deliver({ blockNumber: e.blockNumber, index: e.index, txId: e.txId, name: e.eventName, payload: Buffer.from(e.payload).toString('utf8') });
          }
          stored = to;
        } else if (dropped !== undefined) {
          // Everything before the first dropped event went out from the queue.
          stored = Math.max(stored, dropped);
          fromStore = true;
        } else {
          const e = queue.shift();
          if (e) {
            queuedBytes = queue.length === 0 ? 0 : queuedBytes - Buffer.byteLength(e.payload);
            await deliver(e);
          } else {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        }
      }
    })().catch((err: unknown) => {
      if (stopped) return;
      stopped = true;
      off();
      if (onError) onError(err);
      else process.emitWarning(`event replay failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return () => {
      stopped = true;
      off();
      queue.length = 0;
      wake?.();
    };
  }

  /** A live event as the ledger seam gives it; its payload is decoded once for all subscribers. */
  #toLedgerEvent(e: ChaincodeEvent, index: number): LedgerEvent {
    let payload = this.#payloads.get(e);
    if (payload === undefined) {
      payload = Buffer.from(e.payload).toString('utf8');
      this.#payloads.set(e, payload);
    }
    return { blockNumber: e.blockNumber, index, txId: e.txId, name: e.eventName, payload };
  }

  close(): Promise<void> {
    return this.#devnet.close();
  }
}

/** Opens the embedded ledger: the devnet engine running this repo's chaincode in-process. */
export async function embedded(options: EmbeddedOptions): Promise<Ledger> {
  const devnet = await openDevnet({
    dataDir: options.dataDir,
    contracts,
    orgs: CONSORTIUM,
    channel: CHANNEL,
    chaincodeName: CHAINCODE,
    block: options.block,
    checkDeterminism: options.checkDeterminism,
  });
  return new EmbeddedLedger(devnet, options.liveQueueBytes);
}
