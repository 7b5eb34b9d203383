/** A minimal JSON HTTP client for tests, on Node's fetch. */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /**
   * Why this request lies outside the OpenAPI document on purpose (a path no
   * route serves, a method the API does not offer): a contract client
   * (`contractClient`) does not check its answer. The plain client ignores it.
   */
  offContract?: string;
}

export function client(baseUrl: string) {
  return async function call<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON; tests that care assert on `text`.
    }
    return { status: res.status, headers: res.headers, body: body as T, text };
  };
}

export type Call = ReturnType<typeof client>;
