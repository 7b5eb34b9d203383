/**
 * The logged-in user: a bearer token kept in sessionStorage (it dies with the
 * tab), and the claims the portal reads from it to decide what to show. The
 * gateway checks the token on every call; these claims only shape the page.
 */
export type Org = 'civil' | 'charity' | 'audit';

/** The claims of a Civic Ledger token that the portal uses. */
export interface SessionUser {
  sub: string;
  org: Org;
  roles: string[];
  charity?: string;
  dept?: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

const KEY = 'civic.token';
const listeners = new Set<() => void>();

function base64UrlDecode(text: string): string {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a compact JWT, or undefined when it is not one or lacks sub, org and roles. */
export function readClaims(token: string): SessionUser | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    const { sub, org, roles, charity, dept, exp } = claims;
    if (typeof sub !== 'string' || (org !== 'civil' && org !== 'charity' && org !== 'audit')) return undefined;
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) return undefined;
    return {
      sub,
      org,
      roles: roles as string[],
      charity: typeof charity === 'string' ? charity : undefined,
      dept: typeof dept === 'string' ? dept : undefined,
      exp: typeof exp === 'number' ? exp : undefined,
    };
  } catch {
    return undefined;
  }
}

/** The stored token, when there is one and it has not expired. */
export function currentToken(): string | undefined {
  const token = sessionStorage.getItem(KEY) ?? undefined;
  if (token === undefined) return undefined;
  const user = readClaims(token);
  if (user === undefined || (user.exp !== undefined && user.exp * 1000 <= Date.now())) return undefined;
  return token;
}

/** The logged-in user, or undefined. */
export function currentUser(): SessionUser | undefined {
  const token = currentToken();
  return token === undefined ? undefined : readClaims(token);
}

export function logIn(token: string): SessionUser | undefined {
  const user = readClaims(token);
  if (user === undefined) return undefined;
  sessionStorage.setItem(KEY, token.trim());
  listeners.forEach((l) => l());
  return user;
}

export function logOut(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** Calls `listener` whenever the user logs in or out; returns the unsubscribe function. */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True when the user holds one of `roles` (and, when given, belongs to `org`). */
export function hasRole(user: SessionUser | undefined, roles: readonly string[], org?: Org): boolean {
  if (user === undefined) return false;
  if (org !== undefined && user.org !== org) return false;
  return user.roles.some((r) => roles.includes(r));
}
