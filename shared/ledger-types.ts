/**
 * The ledger's answers as the audit API serves them: one definition for the
 * gateway's Ledger seam and the portal. Types only, no runtime code.
 */

/** A transaction as the audit sees it (`GET /api/v1/audit/transactions/{txId}`). */
export interface LedgerTransaction {
  txId: string;
  blockNumber: number;
  timestamp: string;
  creator: { mspId: string; id: string };
  contract: string;
  function: string;
  validationCode: string;
  /** MSP IDs of the endorsing peers. */
  endorsers: string[];
  /** Keys written; the audit API renders composite keys as type/part/part. */
  writes: string[];
}

/** Result of recomputing the block hash chain (`GET /api/v1/audit/ledger/verify`). */
export interface ChainCheck {
  ok: boolean;
  height: number;
  /** Blocks examined, the failing one included. */
  checkedBlocks: number;
  /** The first block that fails a check; present when `ok` is false. */
  firstBadBlock?: number;
  /** Why the check failed, in words, e.g. "block 12 previousHash does not match the hash of block 11"; present when `ok` is false. */
  reason?: string;
  /** Which checks ran over every block, e.g. data-hash, hash-chain, orderer-signatures. */
  checks: string[];
}
