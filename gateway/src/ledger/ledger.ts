import type { SigningIdentity, CertifiedKey } from '../../../network/pki/types';
import type { ChainCheck, LedgerTransaction } from '../../../shared/ledger-types';
import { CodedError } from '../../../chaincode/src/errors';

export type { ChainCheck, LedgerTransaction } from '../../../shared/ledger-types';

/**
 * The chaincode failed without a coded answer (a bug: a TypeError, say). Both
 * ledgers map it here, so the caller gets the same problem whichever ledger
 * runs: INTERNAL (500, logged, not worth repeating), with the chaincode's own
 * message. Neither an unreachable ledger nor a refusal of the caller.
 */
export function uncodedChaincodeFailure(message: string, txId?: string, cause?: unknown): CodedError {
  return new CodedError('INTERNAL', `the chaincode failed without a coded answer: ${message}`, { ...(txId ? { txId } : {}), cause });
}

/** A submitted transaction, answered after commit. */
export interface Committed {
  txId: string;
  blockNumber: number;
  /** The chaincode's return value (canonical JSON text). */
  payload: string;
}

/** A chaincode event, delivered after commit in block order. */
export interface LedgerEvent {
  blockNumber: number;
  /** The event's place among its block's chaincode events, counting those a `names` filter left out. */
  index: number;
  txId: string;
  name: string;
  /** The event payload (canonical JSON text). */
  payload: string;
}

/** What a subscriber wants of {@link Ledger.subscribe}. */
export interface SubscribeOptions {
  /** Replay the committed blocks from this one first; without it, only blocks committed from now on. */
  fromBlock?: number;
  /** Only events of these names; the others are skipped before their payload is decoded. */
  names?: ReadonlySet<string>;
}

/**
 * Receives one event. A returned promise holds back the next event until it
 * settles: that is how a slow client keeps the backend from reading ahead.
 */
export type EventListener = (event: LedgerEvent) => void | Promise<void>;

/** What a backend can do beyond the common interface. */
export interface LedgerCapabilities {
  /** Blocks can be read and their hash chain recomputed. */
  blockProofs: boolean;
  /** Chaincode events are delivered. */
  events: boolean;
}

/**
 * The one seam between the domain and a ledger. Domain code knows only this;
 * backends (embedded devnet, Fabric) implement it.
 */
export interface Ledger {
  readonly backend: 'embedded' | 'fabric';
  readonly supports: LedgerCapabilities;
  /** Org CAs that enrol gateway users, by MSP ID. */
  readonly certificateAuthorities: ReadonlyMap<string, CertifiedKey>;
  /** Endorse, order and commit; rejects with CodedError. */
  submit(identity: SigningIdentity, fn: string, args: string[]): Promise<Committed>;
  /** Query without ordering; rejects with CodedError. */
  evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<string>;
  height(): Promise<number>;
  /** When block `n` was made (its first transaction's timestamp), or undefined when the ledger cannot tell. */
  blockTime(n: number): Promise<string | undefined>;
  transaction(txId: string): Promise<LedgerTransaction | undefined>;
  /** The block a transaction landed in (valid or not), or undefined when the ledger does not know it. */
  transactionBlock(txId: string): Promise<number | undefined>;
  /** Recomputes the block hash chain from the genesis block; a failed check names its first bad block and says why (`reason`). */
  verifyChain(): Promise<ChainCheck>;
  /**
   * Delivers chaincode events after commit, in block and transaction order,
   * one at a time: while the listener's promise is pending, nothing more is
   * delivered and no further blocks are read. Returns an unsubscribe
   * function. With `fromBlock`, the events of every committed block from that
   * one come first, then the live ones, with no gap and no duplicate; without
   * it, only blocks committed from now on. `onError` hears of a failure that
   * ended the subscription (the ledger closed, a block unreadable).
   */
  subscribe(listener: EventListener, options?: SubscribeOptions, onError?: (err: unknown) => void): () => void;
  close(): Promise<void>;
}
