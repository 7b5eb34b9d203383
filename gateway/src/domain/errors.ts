import type { ErrorCode } from '../../../chaincode/src/errors';

/** A use-case failure with a stable code; the API maps the code to a status. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = DomainError.name;
    this.code = code;
    this.detail = detail;
  }
}

/** Shorthand for a 400. */
export function invalid(detail: string): DomainError {
  return new DomainError('VALIDATION_FAILED', detail);
}
