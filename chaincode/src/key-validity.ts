import type { IssuerKey } from './models';

/**
 * The issuer-registry rule for verification: a credential verifies only if its
 * signing key was valid when it was issued. Rotating a key never breaks older
 * credentials; retiring or marking it compromised stops later ones.
 */
export function keyValidAt(k: IssuerKey, at: string): boolean {
  if (at < k.activatedAt) return false;
  return k.retiredAt === undefined || at < k.retiredAt;
}
