import fs from 'node:fs';
import net from 'node:net';
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
  /** Embedded ledger: simulate each transaction twice, in two time zones, and refuse it when they differ (tests). */
  checkDeterminism: boolean;
  /** Lowest level of the JSON log lines written to stdout (LOG_LEVEL). */
  logLevel: LogLevel;
  /** When set, `/metrics` answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** Bounds of `GET /api/v1/events`: each open stream holds a socket and a ledger subscription. */
  events: {
    /** Open streams of one user, by token `sub` and `org` (EVENTS_MAX_STREAMS_PER_USER). */
    maxStreamsPerUser: number;
    /** Open streams of the whole gateway (EVENTS_MAX_STREAMS). */
    maxStreams: number;
    /** A stream whose client takes none of its data for this long is closed; it resumes with Last-Event-ID (EVENTS_STALL_TIMEOUT_MS). */
    stallTimeoutMs: number;
  };
}

/** The levels LOG_LEVEL accepts, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A bearer token's characters (RFC 6750 b64token, less the characters a shell or YAML file would mangle). */
const METRICS_TOKEN = /^[A-Za-z0-9._~+/=-]{16,256}$/;

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

/**
 * A set variable, or undefined when unset. A variable that is set but empty
 * is an error, not the default: `PORT=$UNSET` in a unit file is a mistake
 * worth one clear line at start-up.
 */
function given(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new ConfigError(`${name} is set but empty; unset it for the default`);
  return raw;
}

/** A decimal integer in [min, max]; hex, exponents, fractions and units are refused. */
function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  const n = /^-?[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** One of a closed set of words; `allowed.includes`, never an `in` test, so `toString` is no org. */
function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = given(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  return raw as T;
}

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A host name (RFC 1123) or an IP literal, as `server.listen` takes it (IPv6 without brackets). */
function isPlausibleHost(host: string): boolean {
  if (net.isIP(host) !== 0) return true;
  // All digits and dots is an IPv4 address or nothing; a resolver would not treat it as a name.
  if (host.length > 253 || /^[0-9.]+$/.test(host)) return false;
  return host.split('.').every((label) => HOST_LABEL.test(label));
}

/** An http(s) URL with a host, or undefined when unset. */
function httpUrl(env: NodeJS.ProcessEnv, name: string): URL | undefined {
  const raw = given(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got '${raw}'`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || raw.trim() !== raw) {
    throw new ConfigError(`${name} must be an http(s) URL, got '${raw}'`);
  }
  return url;
}

/** Reads and validates configuration from the environment; the first bad value throws a ConfigError that names it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = given(env, 'HOST') ?? '127.0.0.1';
  if (!isPlausibleHost(host)) throw new ConfigError(`HOST must be a host name or an IP address (IPv6 without brackets), got '${host}'`);
  const dataDir = path.resolve(given(env, 'CIVIC_DATA_DIR') ?? './data');
  const ledger = oneOf(env, 'CIVIC_LEDGER', ['embedded', 'fabric'] as const, 'embedded');
  const gatewayOrg = oneOf(env, 'CIVIC_GATEWAY_ORG', ['civil', 'charity', 'audit'] as const, 'civil');
  const pepper = env.CIVIC_PEPPER;
  if (pepper !== undefined && pepper.length < 32) throw new ConfigError('CIVIC_PEPPER must be at least 32 characters');

  const base = httpUrl(env, 'PUBLIC_BASE_URL');
  // Checked first so that the message below never echoes a password. The base is copied into every credential.
  if (base && (base.username !== '' || base.password !== '')) throw new ConfigError('PUBLIC_BASE_URL must not carry a user name or password');
  // Credentials append paths to this base, so a query or fragment would end up in the middle of every status URL.
  if (base && (base.search !== '' || base.hash !== '' || /[?#]/.test(env.PUBLIC_BASE_URL ?? ''))) {
    throw new ConfigError(`PUBLIC_BASE_URL must have no query or fragment, got '${env.PUBLIC_BASE_URL}'`);
  }
  const publicBaseUrl = base ? `${base.origin}${base.pathname}`.replace(/\/+$/, '') : `http://localhost:${port}`;

  const bodyLimitBytes = int(env, 'BODY_LIMIT_BYTES', 4 * 1024 * 1024, 1024, 64 * 1024 * 1024);
  const jwksUrl = httpUrl(env, 'AUTH_JWKS_URL');
  const issuer = given(env, 'AUTH_ISSUER');
  const audience = given(env, 'AUTH_AUDIENCE');
  if (jwksUrl && (issuer === undefined || audience === undefined)) throw new ConfigError('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE');
  const maxTokenTtlSeconds = int(env, 'AUTH_MAX_TOKEN_TTL', DEFAULT_MAX_TOKEN_TTL, 60, MAX_TOKEN_TTL_LIMIT);
  const mvccRetries = int(env, 'MVCC_RETRIES', 5, 0, 50);
  const maxTx = int(env, 'BLOCK_MAX_TX', 500, 1, 10000);
  // The devnet's block cutter needs a positive timeout; 0 used to pass here and fail with a stack trace when the ledger opened.
  const timeoutMs = int(env, 'BLOCK_TIMEOUT_MS', 10, 1, 10000);
  const fabricNetworkFile = path.resolve(given(env, 'FABRIC_NETWORK_FILE') ?? `.cache/fabric-net/orgs/${gatewayOrg}.json`);
  if (ledger === 'fabric') checkReadableFile('FABRIC_NETWORK_FILE', fabricNetworkFile, 'run npm run fabric:up first');
  const logLevel = oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
  const metricsToken = given(env, 'METRICS_TOKEN');
  // The message never echoes the value: it is a secret, and this line goes to the service's log.
  if (metricsToken !== undefined && !METRICS_TOKEN.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN must be 16 to 256 characters from A-Z a-z 0-9 . _ ~ + / = -');
  }

  const events = {
    maxStreamsPerUser: int(env, 'EVENTS_MAX_STREAMS_PER_USER', 5, 1, 1000),
    maxStreams: int(env, 'EVENTS_MAX_STREAMS', 200, 1, 100_000),
    stallTimeoutMs: int(env, 'EVENTS_STALL_TIMEOUT_MS', 30_000, 100, 600_000),
  };

  return {
    port,
    host,
    dataDir,
    ledger,
    publicBaseUrl,
    bodyLimitBytes,
    gatewayOrg,
    pepper,
    auth: {
      jwksUrl: jwksUrl?.href,
      issuer: issuer ?? 'civic-ledger-dev',
      audience: audience ?? 'civic-ledger',
      maxTokenTtlSeconds,
    },
    mvccRetries,
    fabricNetworkFile,
    block: { maxTx, timeoutMs },
    checkDeterminism: oneOf(env, 'EMBEDDED_CHECK_DETERMINISM', ['0', '1'] as const, '0') === '1',
    logLevel,
    metricsToken,
    events,
  };
}

/** Start-up would fail on this file later with a stack trace; here it fails with its name. */
function checkReadableFile(name: string, file: string, hint: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) throw new ConfigError(`${name} ${file} is not a file`);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${name} ${file} cannot be read (${code}); ${hint}`);
  }
}
