import type { ValidationCode } from './types';

/**
 * Endorsement failed: the chaincode returned an error (its message, verbatim,
 * e.g. `DUPLICATE_ID: ...`), or the peer refused the proposal.
 */
export class EndorseError extends Error {
  /** The proposal's transaction id. */
  readonly txId: string;

  constructor(message: string, txId: string) {
    super(message);
    this.name = EndorseError.name;
    this.txId = txId;
  }
}

/** The transaction was ordered but invalidated at commit; its writes were dropped. */
export class CommitError extends Error {
  readonly validationCode: Exclude<ValidationCode, 'VALID'>;
  readonly txId: string;
  readonly blockNumber: number;

  constructor(validationCode: Exclude<ValidationCode, 'VALID'>, txId: string, blockNumber: number) {
    super(`${validationCode}: transaction ${txId} invalidated in block ${blockNumber}`);
    this.name = CommitError.name;
    this.validationCode = validationCode;
    this.txId = txId;
    this.blockNumber = blockNumber;
  }
}
