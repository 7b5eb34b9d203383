import { CodedError } from '../chaincode/src/errors';

/**
 * A failure the user can act on, reported as one line on stderr with no
 * stack trace. `exitCode` 2 is bad usage, 3 a gateway that cannot be reached
 * or refuses the caller; 1 is kept for "ran, but not everything succeeded".
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = 2) {
    super(message);
  }
}

/** Exit codes of the `civic` command. */
export const EXIT = { ok: 0, incomplete: 1, usage: 2, gateway: 3 } as const;

/** The reason a shared ledger rule gave, without its error code: a row report reads better as plain words. */
export function ruleMessage(err: unknown): string {
  if (err instanceof CodedError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}
