import { currentToken, logOut } from './session';

/**
 * A failed call to the gateway. `code` is the API's stable error code
 * (problem+json `code`), or `NETWORK` when no answer came back at all.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  constructor(status: number, code: string, detail: string) {
    super(`${code}: ${detail}`);
    this.name = ApiError.name;
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** True when the ledger (or the gateway in front of it) could not be reached: say "try later", never "invalid". */
  get unreachable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

export interface CallOptions {
  body?: unknown;
  /** Send the logged-in user's token (default true when one is stored). */
  auth?: boolean;
  /** On 401 or 403, send the user to the login page with a message (default true for authenticated calls). */
  redirectOnAuthError?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

let authRedirect: (reason: 'expired' | 'forbidden', detail: string) => void = () => {};

/** Installs what a 401/403 does (the app routes to /login with a message). */
export function setAuthRedirect(handler: (reason: 'expired' | 'forbidden', detail: string) => void): void {
  authRedirect = handler;
}

async function problemOf(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let detail = res.statusText;
  try {
    const body = (await res.json()) as { code?: unknown; detail?: unknown; title?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.detail === 'string') detail = body.detail;
    else if (typeof body.title === 'string') detail = body.title;
  } catch {
    // Not problem+json (a proxy's error page): the status says enough.
  }
  return new ApiError(res.status, code, detail);
}

/** Sends one request to the gateway and returns the raw response, or throws an ApiError. */
export async function request(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const token = options.auth === false ? undefined : currentToken();
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (res.ok) return res;
  const error = await problemOf(res);
  const redirect = options.redirectOnAuthError ?? token !== undefined;
  if (redirect && (res.status === 401 || res.status === 403)) {
    if (res.status === 401) logOut();
    authRedirect(res.status === 401 ? 'expired' : 'forbidden', error.detail);
  }
  throw error;
}

/** A JSON call: `api<T>('GET', '/api/v1/...')`. */
export async function api<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const res = await request(method, path, options);
  return (await res.json()) as T;
}

/** A path segment, escaped. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
