/** What a backend's test factory provides to the conformance suite. */
export interface TokenClaims {
  sub: string;
  org: 'civil' | 'charity' | 'audit';
  roles: string[];
  dept?: string;
  charity?: string;
}

export interface Harness {
  /** Base URL of a running gateway, e.g. http://127.0.0.1:34567 */
  baseUrl: string;
  /** The backend the gateway should report in /healthz. */
  backend: 'embedded' | 'fabric';
  /** The configured body limit, in bytes. */
  bodyLimitBytes: number;
  /** A valid token for these claims. */
  token(claims: TokenClaims, options?: { ttlSeconds?: number }): Promise<string>;
  /** A token signed by a key the gateway does not trust. */
  foreignToken(claims: TokenClaims): Promise<string>;
  close(): Promise<void>;
}

export interface SuiteOptions {
  name: string;
  factory: () => Promise<Harness>;
}
