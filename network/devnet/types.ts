import type { CertifiedKey, SigningIdentity } from '../pki/types';

/** An organisation of the embedded network. */
export interface OrgDefinition {
  mspId: string;
  name: string;
}

/** An organisation's crypto material, kept in the data directory. */
export interface OrgMaterial extends OrgDefinition {
  /** The org CA: signs peers and enrolled users. */
  ca: CertifiedKey;
  /** The org's peer: signs endorsements. */
  peer: CertifiedKey;
}

/** Fabric's transaction validation codes that the engine produces. */
export type ValidationCode =
  | 'VALID'
  | 'MVCC_READ_CONFLICT'
  | 'PHANTOM_READ_CONFLICT'
  | 'ENDORSEMENT_POLICY_FAILURE'
  | 'BAD_CREATOR_SIGNATURE'
  | 'DUPLICATE_TXID';

export interface BlockCutting {
  /** Cut a block at this many transactions. Default 500. */
  maxTx?: number;
  /** Cut a block at this many bytes of transaction data. Default 8 MiB. */
  maxBytes?: number;
  /** Cut a block this long after its first transaction arrived. Default 10 ms. */
  timeoutMs?: number;
  /**
   * Also cut as soon as waiting cannot add anything: the committer is idle and
   * no submit is still being endorsed. Blocks then fill while the previous one
   * commits. Default true; false keeps to the three limits above.
   */
  cutWhenIdle?: boolean;
}

export interface DevnetOptions {
  /** LevelDB and the crypto material live here; bootstrapped when empty. */
  dataDir: string;
  /** fabric-contract-api Contract classes, as a chaincode's index exports them. */
  contracts: Array<new () => object>;
  /** Orgs; their CA and peer material is created on first open. */
  orgs: OrgDefinition[];
  channel?: string;
  chaincodeName?: string;
  block?: BlockCutting;
  /** How many orgs' peers must endorse: ANY (1), MAJORITY (default), ALL. */
  endorsementPolicy?: 'ANY' | 'MAJORITY' | 'ALL';
  /** fsync each block's batch. Default true. */
  sync?: boolean;
  /**
   * Level of fabric-shim's and fabric-contract-api's own loggers, which log
   * every failed transaction at error level. Default: the environment's
   * CORE_CHAINCODE_LOGGING_LEVEL, else 'CRITICAL' (quiet).
   */
  chaincodeLogLevel?: ChaincodeLogLevel;
  /**
   * Simulate every submitted transaction twice, as two endorsing orgs' peers
   * would, the second time in another time zone, and refuse it when the
   * read/write sets, responses or events differ: non-deterministic chaincode
   * then fails a test instead of a production endorsement. Default false.
   */
  checkDeterminism?: boolean;
  /**
   * The clock, in epoch milliseconds, that membership checks compare
   * certificate validity with. Default `Date.now`; tests move it instead of
   * waiting for a certificate to lapse.
   */
  now?: () => number;
}

/** What a committed transaction returns to its submitter. */
export interface CommitResult {
  txId: string;
  blockNumber: number;
  payload: Uint8Array;
}

/** A chaincode event, delivered after commit in block order. */
export interface ChaincodeEvent {
  blockNumber: number;
  txId: string;
  chaincodeName: string;
  eventName: string;
  payload: Uint8Array;
}

/** A chaincode event read back from a stored block, with its place among that block's events. */
export interface StoredChaincodeEvent extends ChaincodeEvent {
  index: number;
}

/** A transaction as the audit views it. */
export interface TransactionInfo {
  txId: string;
  blockNumber: number;
  txNum: number;
  timestamp: string;
  creator: { mspId: string; id: string };
  /** `contract:function` as invoked. */
  function: string;
  validationCode: ValidationCode;
  endorsers: string[];
  /** Keys written (composite keys as stored). */
  writes: string[];
}

export interface ChainVerification {
  ok: boolean;
  height: number;
  checkedBlocks: number;
  firstBadBlock?: number;
  reason?: string;
}

/** The embedded ledger: simulate, endorse, order, validate, commit. */
export interface Devnet {
  readonly channel: string;
  readonly chaincodeName: string;
  readonly orgs: ReadonlyMap<string, OrgMaterial>;
  /** Runs the full flow and resolves after commit; rejects with EndorseError or CommitError. */
  submit(identity: SigningIdentity, fn: string, args: string[], options?: InvokeOptions): Promise<CommitResult>;
  /** Simulates only; rejects with EndorseError when the chaincode fails. */
  evaluate(identity: SigningIdentity, fn: string, args: string[], options?: InvokeOptions): Promise<Uint8Array>;
  /** Number of blocks, genesis included. */
  height(): Promise<number>;
  /** When block `n` was made: its first transaction's timestamp (undefined for the genesis block). */
  blockTime(n: number): Promise<string | undefined>;
  getTransaction(txId: string): Promise<TransactionInfo | undefined>;
  /** The block holding a transaction, from the ledger's transaction index alone; undefined when unknown. */
  transactionBlock(txId: string): Promise<number | undefined>;
  verifyChain(): Promise<ChainVerification>;
  onEvent(listener: (event: ChaincodeEvent) => void): () => void;
  /**
   * The chaincode events of blocks [from, to), read back from the stored
   * blocks in one batched read, in block and transaction order, up to the
   * first block not there. With `names`, only events of those names; the
   * others still count in each event's `index`.
   */
  storedEvents(from: number, to: number, options?: { names?: ReadonlySet<string> }): Promise<StoredChaincodeEvent[]>;
  close(): Promise<void>;
}

/** Log levels of fabric-shim and fabric-contract-api, in Fabric's spelling. */
export type ChaincodeLogLevel = 'CRITICAL' | 'ERROR' | 'WARNING' | 'INFO' | 'DEBUG';

/** Per-call options of {@link Devnet.submit} and {@link Devnet.evaluate}. */
export interface InvokeOptions {
  /** Transient data: visible to the chaincode through getTransient(), never stored in a block. */
  transient?: Record<string, Uint8Array>;
}

/** A block header; its hash chains the blocks together. */
export interface BlockHeader {
  number: number;
  /** Hex SHA-256 of the previous block's header; '' for the genesis block. */
  previousHash: string;
  /** Hex SHA-256 over the block's transactions (see verifyBlocks). */
  dataHash: string;
}

/** A block as stored: transactions are envelope JSON strings, in order. */
export interface Block {
  header: BlockHeader;
  data: string[];
  /** Not covered by any hash, as in Fabric. */
  metadata: { validationCodes: ValidationCode[] };
}

/** A stored block with its transactions as the raw bytes stored, for checks that hash them. */
export interface RawBlock extends Omit<Block, 'data'> {
  data: Buffer[];
}
