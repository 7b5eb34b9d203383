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

/** What the request says about its origin, as the demo-login decision reads it. */
export interface RequestOrigin {
  remoteAddress: string | undefined;
  /** Whether it carries a proxy's forwarding header: a proxy on this machine makes every caller look local. */
  forwarded: boolean;
}

/**
 * Whether the demo login (a token endpoint that mints admin tokens for whoever
 * asks) may exist for this request. Every condition must hold: the embedded
 * ledger (development only), a loopback-only listener, a loopback caller not
 * relayed by a proxy, and no external identity provider (AUTH_JWKS_URL).
 */
export function demoLoginAllowed(config: Pick<Config, 'ledger' | 'host' | 'auth'>, origin: RequestOrigin): boolean {
  return (
    config.ledger === 'embedded' &&
    listensOnLoopbackOnly(config.host) &&
    isLoopbackAddress(origin.remoteAddress) &&
    !origin.forwarded &&
    config.auth.jwksUrl === undefined
  );
}
