/**
 * When repeating a refused request may help: `never` (the request itself is
 * wrong or not allowed), `now` (a write conflict: simulating the same request
 * again against the newer state may pass), `later` (the ledger or a limit is
 * busy: the same request may pass after a pause, with a Retry-After when sent).
 */
export type RetryAdvice = 'never' | 'now' | 'later';

/** What a client needs to know of a code: its HTTP status and whether a retry may help. */
export interface ErrorInfo {
  readonly status: number;
  readonly retry: RetryAdvice;
}

/**
 * The error catalogue: every stable code, its HTTP status and its retry
 * advice, written once. The gateway answers with these statuses; the gateway's
 * own re-simulation, its idempotency store, the CLI and the portal decide
 * what to repeat from `retry` alone. Only an error's message crosses the
 * Fabric boundary, so every error thrown by the chaincode starts with `CODE: `.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, retry: 'never' },
  PERSONAL_DATA_REFUSED: { status: 400, retry: 'never' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retry: 'never' },
  UNAUTHENTICATED: { status: 401, retry: 'never' },
  FORBIDDEN: { status: 403, retry: 'never' },
  ORG_NOT_SERVED: { status: 403, retry: 'never' },
  NOT_FOUND: { status: 404, retry: 'never' },
  CERT_NOT_FOUND: { status: 404, retry: 'never' },
  TYPE_NOT_FOUND: { status: 404, retry: 'never' },
  KEY_NOT_FOUND: { status: 404, retry: 'never' },
  ISSUER_NOT_FOUND: { status: 404, retry: 'never' },
  CHARITY_NOT_FOUND: { status: 404, retry: 'never' },
  PROJECT_NOT_FOUND: { status: 404, retry: 'never' },
  DONATION_NOT_FOUND: { status: 404, retry: 'never' },
  DISBURSEMENT_NOT_FOUND: { status: 404, retry: 'never' },
  TX_NOT_FOUND: { status: 404, retry: 'never' },
  STATUS_LIST_NOT_FOUND: { status: 404, retry: 'never' },
  KEY_NOT_ACTIVE: { status: 422, retry: 'never' },
  DUPLICATE_ID: { status: 409, retry: 'never' },
  STATUS_INDEX_TAKEN: { status: 409, retry: 'never' },
  INVALID_TRANSITION: { status: 409, retry: 'never' },
  MVCC_READ_CONFLICT: { status: 409, retry: 'now' },
  PHANTOM_READ_CONFLICT: { status: 409, retry: 'now' },
  ENDORSEMENT_POLICY_FAILURE: { status: 503, retry: 'later' },
  INSUFFICIENT_FUNDS: { status: 422, retry: 'never' },
  TOTAL_LIMIT_EXCEEDED: { status: 422, retry: 'never' },
  PAYLOAD_TOO_LARGE: { status: 413, retry: 'never' },
  RATE_LIMITED: { status: 429, retry: 'later' },
  LEDGER_UNAVAILABLE: { status: 503, retry: 'later' },
  INTERNAL: { status: 500, retry: 'never' },
} as const satisfies Record<string, ErrorInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The stable error codes, in catalogue order. */
export const ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.keys(ERROR_CATALOGUE) as ErrorCode[]);

/** The HTTP status of a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

/**
 * True when repeating a request refused with `code` may help (with the same
 * idempotency key, so nothing is written twice). An unknown code (a newer
 * gateway's) is not repeated.
 */
export function mayRetry(code: string | undefined): boolean {
  return code !== undefined && isErrorCode(code) && ERROR_CATALOGUE[code].retry !== 'never';
}

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
