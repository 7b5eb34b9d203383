import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import type { DevKey } from './dev-key';
import { AuthError, principalFromClaims, type Principal } from './principal';

/** Verifies a bearer token and returns its principal; rejects with AuthError. */
export type Authenticator = (token: string) => Promise<Principal>;

/**
 * Trusts the external identity provider when AUTH_JWKS_URL is set, otherwise
 * the dev key in the data directory. Only ES256/RS256/EdDSA signed tokens with
 * a known kid, the configured issuer and audience, and an `exp` are accepted;
 * `alg: none` never is.
 */
export function createAuthenticator(config: Config['auth'], devKey?: DevKey): Authenticator {
  let keys: JWTVerifyGetKey;
  if (config.jwksUrl) {
    keys = createRemoteJWKSet(new URL(config.jwksUrl));
  } else if (devKey) {
    keys = createLocalJWKSet({ keys: [devKey.publicJwk] });
  } else {
    throw new TypeError('createAuthenticator needs AUTH_JWKS_URL or a dev key');
  }
  const algorithms = config.jwksUrl ? ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] : ['ES256'];
  // A verified token stays valid until its exp, so its signature is checked once.
  const verified = new Map<string, { principal: Principal; expiresAt: number }>();
  return async (token: string): Promise<Principal> => {
    const hit = verified.get(token);
    if (hit) {
      if (Date.now() < hit.expiresAt) return hit.principal;
      verified.delete(token);
      throw new AuthError('token has expired');
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms,
        requiredClaims: ['exp', 'sub'],
      });
      const principal = principalFromClaims(payload as Record<string, unknown>);
      if (verified.size >= 10_000) verified.clear();
      verified.set(token, { principal, expiresAt: (payload.exp as number) * 1000 });
      return principal;
    } catch (err) {
      if (err instanceof AuthError) throw err;
      if (err instanceof errors.JWTExpired) throw new AuthError('token has expired');
      if (err instanceof errors.JWKSNoMatchingKey) throw new AuthError('token is signed by an unknown key');
      if (err instanceof errors.JOSEError) throw new AuthError(`token rejected: ${err.code}`);
      throw new AuthError('token rejected');
    }
  };
}
