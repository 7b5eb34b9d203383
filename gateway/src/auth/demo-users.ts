import net from 'node:net';
import type { Config } from '../config';
import type { DevTokenClaims } from './dev-key';

/** The roles the portal's demo login offers, one demo user each. */
export const DEMO_ROLES = ['issuer', 'registrar', 'verifier', 'admin', 'charity', 'auditor'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

/** The demo user of each role (a charity user also needs the charity it acts for). */
export const DEMO_USERS: Readonly<Record<DemoRole, DevTokenClaims>> = {
  issuer: { sub: 'demo-issuer', org: 'civil', roles: ['issuer', 'verifier'] },
  registrar: { sub: 'demo-registrar', org: 'civil', roles: ['registrar'] },
  verifier: { sub: 'demo-verifier', org: 'civil', roles: ['verifier'] },
  admin: { sub: 'demo-admin', org: 'civil', roles: ['admin'] },
  charity: { sub: 'demo-charity-staff', org: 'charity', roles: ['charity'] },
  auditor: { sub: 'demo-auditor', org: 'audit', roles: ['auditor'] },
};

/** Demo tokens live a working day at most, and never longer than the service accepts. */
export const DEMO_TOKEN_TTL_SECONDS = 8 * 3600;

/** True for an address of this machine only: 127.0.0.0/8, ::1, and IPv4-mapped 127.x. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (net.isIPv4(plain)) return plain.startsWith('127.');
  return plain === '::1';
}

/** True when the service listens on a loopback address only (HOST), so no other machine can reach it. */
export function listensOnLoopbackOnly(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/**
 * Headers a proxy, load balancer or CDN adds to say who the caller is or how
 * the request came. Any of them means the socket's loopback address is the
 * proxy's, and the caller may be anyone; every `X-Forwarded-*` counts too.
 */
export const PROXY_HEADERS: ReadonlySet<string> = new Set([
  'forwarded',
  'forwarded-for',
  'x-forwarded',
  'x-original-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'cf-pseudo-ipv4',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-proxyuser-ip',
  'x-envoy-external-address',
  'x-appengine-user-ip',
  'x-azure-clientip',
  'x-azure-socketip',
  'x-original-host',
  'cdn-loop',
  'via',
]);

/** Whether any header of the request is one a proxy adds (names as Node gives them: lower case). */
export function carriesProxyHeader(headerNames: Iterable<string>): boolean {
  for (const name of headerNames) {
    const lower = name.toLowerCase();
    if (PROXY_HEADERS.has(lower) || lower.startsWith('x-forwarded-')) return true;
  }
  return false;
}

/**
 * True for a loopback host as a URL or a Host header spells it: `localhost`,
 * a dotted 127.x.x.x, or `[::1]`. Not `*.localhost`: not every resolver keeps
 * those names on this machine, so a DNS-rebinding page could own one.
 */
function isLoopbackHostName(hostname: string): boolean {
  const name = hostname.toLowerCase();
  if (name === 'localhost' || name === '[::1]') return true;
  return net.isIPv4(name) && name.startsWith('127.');
}

/** A Host header's name and port, or undefined unless it is `name:port` with a plain decimal port (or `name` alone, port 80). */
function splitHost(host: string): { name: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::([1-9][0-9]{0,4}))?$/.exec(host);
  if (m === null) return undefined;
  // Without a port, the request went to http's default one.
  const port = m[2] === undefined ? 80 : Number(m[2]);
  return port <= 65535 ? { name: m[1], port } : undefined;
}

/**
 * Whether `Host` names this gateway as a page on this machine reaches it: a
 * loopback host with the port this socket listens on. A DNS-rebinding page's
 * request reaches the same socket with the attacker's name in Host.
 */
export function isOwnLoopbackHost(host: string | undefined, localPort: number | undefined): boolean {
  if (host === undefined || localPort === undefined) return false;
  const parts = splitHost(host);
  return parts !== undefined && isLoopbackHostName(parts.name) && parts.port === localPort;
}

/**
 * Whether `Origin` is one of this gateway's own origins: plain http (the
 * gateway speaks no TLS), a loopback host, this socket's port. `null` (a
 * sandboxed frame, a redirect, a file) is not.
 */
export function isOwnLoopbackOrigin(origin: string, localPort: number | undefined): boolean {
  if (localPort === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An Origin is scheme://host[:port] only; anything more is not a browser's.
  if (url.protocol !== 'http:' || url.origin !== origin.toLowerCase() || !isLoopbackHostName(url.hostname)) return false;
  return (url.port === '' ? 80 : Number(url.port)) === localPort;
}

/** What the request says about where it comes from, as the demo-login decision reads it. */
export interface RequestOrigin {
  remoteAddress: string | undefined;
  /** Whether it carries a proxy's header ({@link PROXY_HEADERS}): a proxy on this machine makes every caller look local. */
  forwarded: boolean;
  /** The `Host` header, undefined without one. */
  host: string | undefined;
  /** The `Origin` header, undefined without one (a same-origin GET, curl). */
  origin: string | undefined;
  /** The port the socket that took the request listens on (with PORT=0, the one the system chose). */
  localPort: number | undefined;
}

/**
 * Whether the demo login (a token endpoint that mints admin tokens for whoever
 * asks) may exist for this request. Every condition must hold: the embedded
 * ledger (development only), a loopback-only listener, a loopback caller not
 * relayed by a proxy, a Host and an Origin (if any) that name this gateway on
 * loopback (so no DNS-rebinding page), and no external identity provider
 * (AUTH_JWKS_URL).
 */
export function demoLoginAllowed(config: Pick<Config, 'ledger' | 'host' | 'auth'>, origin: RequestOrigin): boolean {
  return (
    config.ledger === 'embedded' &&
    listensOnLoopbackOnly(config.host) &&
    isLoopbackAddress(origin.remoteAddress) &&
    !origin.forwarded &&
    isOwnLoopbackHost(origin.host, origin.localPort) &&
    (origin.origin === undefined || isOwnLoopbackOrigin(origin.origin, origin.localPort)) &&
    config.auth.jwksUrl === undefined
  );
}
