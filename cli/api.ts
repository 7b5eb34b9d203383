import { CliError, EXIT } from './errors';

/** Where the gateway is and who the caller is, from `--url` and `--token` / `CIVIC_TOKEN`. */
export interface Connection {
  url: string;
  token?: string;
}

/** An HTTP answer with its body parsed when it is JSON. */
export interface ApiReply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** The `code` and `detail` of an `application/problem+json` body, when the body is one. */
export function problemOf(reply: Pick<ApiReply, 'body'>): { code: string; detail: string } | undefined {
  const b = reply.body;
  if (b === null || typeof b !== 'object') return undefined;
  const p = b as { code?: unknown; detail?: unknown };
  return typeof p.code === 'string' ? { code: p.code, detail: typeof p.detail === 'string' ? p.detail : '' } : undefined;
}

/** One line describing a non-2xx answer. */
export function describeFailure(reply: Pick<ApiReply, 'status' | 'body'> & { text?: string }): string {
  const p = problemOf(reply);
  if (p) return `${reply.status} ${p.code}${p.detail ? `: ${p.detail}` : ''}`;
  return `HTTP ${reply.status}${reply.text ? `: ${reply.text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`;
}

/** Thrown when the gateway cannot be reached at all (refused, DNS, reset). */
export class UnreachableError extends CliError {
  constructor(url: string, cause: string) {
    super(`cannot reach the gateway at ${url} (${cause}); is it running? (--url)`, EXIT.gateway);
  }
}

/** Digs the system error code (ECONNREFUSED, ENOTFOUND…) out of undici's "fetch failed". */
function networkCause(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as Error & { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A JSON client for the v1 API on Node's fetch. */
export class Api {
  readonly base: string;

  constructor(readonly conn: Connection) {
    let u: URL;
    try {
      u = new URL(conn.url);
    } catch {
      throw new CliError(`--url '${conn.url}' is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`--url must be http or https, got '${conn.url}'`);
    this.base = conn.url.replace(/\/+$/, '');
  }

  /** The bearer token, or a usage error naming both ways to give one. */
  requireToken(): string {
    if (!this.conn.token) throw new CliError('a token is required: pass --token or set CIVIC_TOKEN (npx civic token … mints a dev token)');
    return this.conn.token;
  }

  /** Sends a request; network failures become {@link UnreachableError}, HTTP errors are returned. */
  async request(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {}): Promise<ApiReply> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.auth !== false) headers.authorization = `Bearer ${this.requireToken()}`;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, body: payload });
      text = await res.text();
    } catch (err) {
      throw new UnreachableError(this.base, networkCause(err));
    }
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    return { status: res.status, headers: res.headers, body, text };
  }

  /** GET that must answer 2xx; anything else is a one-line error. */
  async getJson(path: string, opts: { auth?: boolean } = {}): Promise<unknown> {
    const r = await this.request('GET', path, opts);
    if (r.status < 200 || r.status > 299) throw new CliError(`GET ${path}: ${describeFailure(r)}`, r.status === 401 || r.status === 403 ? EXIT.gateway : EXIT.incomplete);
    return r.body;
  }
}

/** `encodeURIComponent` for one path segment. */
export const seg = (s: string): string => encodeURIComponent(s);
