/**
 * Stable error codes. Only an error's message crosses the Fabric boundary, so
 * every error thrown by the chaincode starts with `CODE: `.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'PERSONAL_DATA_REFUSED',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ORG_NOT_SERVED',
  'NOT_FOUND',
  'CERT_NOT_FOUND',
  'TYPE_NOT_FOUND',
  'KEY_NOT_FOUND',
  'ISSUER_NOT_FOUND',
  'CHARITY_NOT_FOUND',
  'PROJECT_NOT_FOUND',
  'DONATION_NOT_FOUND',
  'DISBURSEMENT_NOT_FOUND',
  'TX_NOT_FOUND',
  'STATUS_LIST_NOT_FOUND',
  'KEY_NOT_ACTIVE',
  'DUPLICATE_ID',
  'STATUS_INDEX_TAKEN',
  'INVALID_TRANSITION',
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT_POLICY_FAILURE',
  'INSUFFICIENT_FUNDS',
  'TOTAL_LIMIT_EXCEEDED',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'LEDGER_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * The one coded error of the whole codebase: the chaincode throws it, the
 * gateway's early checks throw it, and each ledger backend translates its
 * failures into it at the seam, so nothing above the seam knows which backend
 * failed. Its message is `CODE: detail`, the only part that crosses the Fabric
 * boundary; `txId` names the transaction when there was one.
 */
export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly txId?: string;
  /** Seconds after which a refused request may be tried again (a Retry-After header). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, detail: string, options: { txId?: string; cause?: unknown; retryAfter?: number } = {}) {
    super(`${code}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = CodedError.name;
    this.code = code;
    this.detail = detail;
    if (options.txId !== undefined) this.txId = options.txId;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}

/** Shorthand for a VALIDATION_FAILED error (400). */
export function invalid(detail: string): CodedError {
  return new CodedError('VALIDATION_FAILED', detail);
}

/**
 * Reads the `CODE: detail` prefix of a message that crossed the ledger
 * boundary. The code may be preceded by transport noise (a peer wraps the
 * chaincode's message), so the first known code followed by `: ` wins.
 */
export function parseCodedMessage(message: string): { code: ErrorCode; detail: string } | undefined {
  let best: { index: number; code: ErrorCode } | undefined;
  for (const code of ERROR_CODES) {
    const index = message.indexOf(`${code}: `);
    if (index >= 0 && (best === undefined || index < best.index)) {
      // Only accept a code that starts the message or follows a separator.
      const before = index === 0 ? '' : message[index - 1];
      if (index === 0 || before === ' ' || before === ':' || before === '(' || before === '"') {
        best = { index, code };
      }
    }
  }
  if (!best) return undefined;
  let detail = message.slice(best.index + best.code.length + 2);
  // A transport that wrapped the message in parentheses leaves the closing one behind.
  if (message.lastIndexOf('(', best.index) > message.lastIndexOf(')', best.index) && detail.endsWith(')')) detail = detail.slice(0, -1);
  return { code: best.code, detail };
}

/** True when `value` is one of the known codes. */
export function isErrorCode(value: string): value is ErrorCode {
  return CODE_SET.has(value);
}
