import type { IssuerKey } from './models';

/**
 * The issuer-registry rule for verification: a credential verifies only if its
 * signing key was valid when it was issued. Rotating a key never breaks older
 * credentials; retiring it stops later ones, and marking it compromised stops every one
 * issued at or after the time of compromise, which may lie in the past.
 */
export function keyValidAt(k: IssuerKey, at: string): boolean {
  if (at < k.activatedAt) return false;
  if (k.compromisedAt !== undefined && at >= k.compromisedAt) return false;
  return k.retiredAt === undefined || at < k.retiredAt;
}
