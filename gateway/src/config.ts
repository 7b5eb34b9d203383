import path from 'node:path';

/** Validated service configuration, read once at start-up. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  ledger: 'embedded' | 'fabric';
  /** Base URL written into credentials' `credentialStatus`. */
  publicBaseUrl: string;
  /** Largest JSON body accepted, in bytes. */
  bodyLimitBytes: number;
  /** The org this gateway belongs to; its service identity reads public data. */
  gatewayOrg: 'civil' | 'charity' | 'audit';
  /** Consortium pepper for holder and donor pseudonyms; generated in the data directory when unset. */
  pepper?: string;
  auth: {
    jwksUrl?: string;
    issuer: string;
    audience: string;
    /** Longest token lifetime accepted, in seconds (AUTH_MAX_TOKEN_TTL). */
    maxTokenTtlSeconds: number;
  };
  /** Bounded retries of MVCC_READ_CONFLICT. */
  mvccRetries: number;
  /** With CIVIC_LEDGER=fabric: the connection file written by `npm run fabric:up`. */
  fabricNetworkFile: string;
  block: { maxTx: number; timeoutMs: number };
}

/** Default of AUTH_MAX_TOKEN_TTL: a working day, so a stolen token is not good for long. */
export const DEFAULT_MAX_TOKEN_TTL = 12 * 3600;
/** Largest AUTH_MAX_TOKEN_TTL that may be configured: 30 days. */
export const MAX_TOKEN_TTL_LIMIT = 30 * 24 * 3600;

/** Thrown when configuration is invalid; main prints its message and exits. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ConfigError.name;
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** Reads and validates configuration from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const ledger = env.CIVIC_LEDGER ?? 'embedded';
  if (ledger !== 'embedded' && ledger !== 'fabric') throw new ConfigError(`CIVIC_LEDGER must be 'embedded' or 'fabric', got '${ledger}'`);
  const gatewayOrg = env.CIVIC_GATEWAY_ORG ?? 'civil';
  if (gatewayOrg !== 'civil' && gatewayOrg !== 'charity' && gatewayOrg !== 'audit') {
    throw new ConfigError(`CIVIC_GATEWAY_ORG must be civil, charity or audit, got '${gatewayOrg}'`);
  }
  const jwksUrl = env.AUTH_JWKS_URL || undefined;
  if (jwksUrl) {
    if (!/^https?:\/\//.test(jwksUrl)) throw new ConfigError('AUTH_JWKS_URL must be an http(s) URL');
    if (!env.AUTH_ISSUER || !env.AUTH_AUDIENCE) throw new ConfigError('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE');
  }
  if (env.CIVIC_PEPPER !== undefined && env.CIVIC_PEPPER.length < 32) {
    throw new ConfigError('CIVIC_PEPPER must be at least 32 characters');
  }
  const host = env.HOST ?? '127.0.0.1';
  return {
    port,
    host,
    dataDir: path.resolve(env.CIVIC_DATA_DIR ?? './data'),
    ledger,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    gatewayOrg,
    pepper: env.CIVIC_PEPPER || undefined,
    auth: {
      jwksUrl,
      issuer: env.AUTH_ISSUER ?? 'civic-ledger-dev',
      audience: env.AUTH_AUDIENCE ?? 'civic-ledger',
      maxTokenTtlSeconds: int(env, 'AUTH_MAX_TOKEN_TTL', DEFAULT_MAX_TOKEN_TTL, 60, MAX_TOKEN_TTL_LIMIT),
    },
    mvccRetries: int(env, 'MVCC_RETRIES', 5, 0, 50),
    fabricNetworkFile: path.resolve(env.FABRIC_NETWORK_FILE ?? '.cache/fabric-net/network.json'),
    block: {
      maxTx: int(env, 'BLOCK_MAX_TX', 500, 1, 10000),
      timeoutMs: int(env, 'BLOCK_TIMEOUT_MS', 10, 0, 10000),
    },
  };
}
