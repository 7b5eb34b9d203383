import type { ErrorRequestHandler, Response } from 'express';
import { AuthError } from '../auth/principal';
import { CodedError, statusOf, type ErrorCode } from '../../../chaincode/src/errors';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  txId?: string;
}

/** Sends a problem+json answer; `retryAfterSeconds` becomes a Retry-After header, for a 429 or 503 that will pass. */
export function sendProblem(res: Response, code: ErrorCode, detail: string, extra: { txId?: string; retryAfterSeconds?: number } = {}): void {
  const status = statusOf(code);
  const { retryAfterSeconds, ...fields } = extra;
  const body: Problem = {
    type: `https://civic-ledger.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...fields,
  };
  if (status === 401) res.set('WWW-Authenticate', 'Bearer');
  if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
  res.status(status).type('application/problem+json').json(body);
}

/** The fields Express, its router and body-parser put on the errors they raise (http-errors style). */
interface HttpLikeError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
}

/** The code for each client-error status a framework error may carry; any other 4xx is a plain bad request. */
const CODE_OF_STATUS: ReadonlyMap<number, ErrorCode> = new Map([
  [401, 'UNAUTHENTICATED'],
  [403, 'FORBIDDEN'],
  [404, 'NOT_FOUND'],
  [413, 'PAYLOAD_TOO_LARGE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
]);

/** The 4xx status an error from Express or body-parser carries, if it carries one. */
function clientStatus(err: HttpLikeError): number | undefined {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500 ? status : undefined;
}

/** Maps every error to problem+json; bad input never becomes a 500. `log` gets the response so it can name the request. */
export function errorHandler(log: (msg: string, err: unknown, res?: Response) => void): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof CodedError) {
      if (err.code === 'INTERNAL') log('ledger failure', err, res);
      return sendProblem(res, err.code, err.detail, {
        ...(err.txId ? { txId: err.txId } : {}),
        ...(err.retryAfter !== undefined ? { retryAfterSeconds: Math.max(1, Math.ceil(err.retryAfter)) } : {}),
      });
    }
    if (err instanceof AuthError) return sendProblem(res, 'UNAUTHENTICATED', err.message);
    const e = (err ?? {}) as HttpLikeError;
    if (e.type === 'entity.too.large') return sendProblem(res, 'PAYLOAD_TOO_LARGE', 'request body is larger than the configured limit');
    if (e.type === 'entity.parse.failed') return sendProblem(res, 'VALIDATION_FAILED', 'request body is not valid JSON');
    const status = clientStatus(e);
    if (status !== undefined) {
      // The router marks a path it cannot percent-decode with status 400 but not `expose`; its message names the segment.
      const detail =
        err instanceof URIError
          ? `the URL has malformed percent-encoding: ${err.message}`
          : e.expose === true && typeof e.message === 'string' && e.message !== ''
            ? e.message
            : `request refused (HTTP ${status})`;
      return sendProblem(res, CODE_OF_STATUS.get(status) ?? 'VALIDATION_FAILED', detail);
    }
    log('unexpected error', err, res);
    return sendProblem(res, 'INTERNAL', 'unexpected error; it has been logged');
  };
}
