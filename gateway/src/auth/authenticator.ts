import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import type { DevKey } from './dev-key';
import { AuthError, principalFromClaims, type Principal } from './principal';
import { BoundedMap } from '../../../chaincode/src/bounded-map';

/** Verifies a bearer token and returns its principal; rejects with AuthError. */
export type Authenticator = (token: string) => Promise<Principal>;

/** How far ahead of our clock an identity provider's `iat` may be. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * A token's lifetime in seconds: `exp − iat`, or `exp − now` without `iat`.
 * An `iat` in the future (beyond clock skew) counts from now, so it cannot
 * hide a long remaining life.
 */
function lifetimeSeconds(exp: number, iat: number | undefined, now: number): number {
  const from = iat === undefined ? now : Math.min(iat, now + CLOCK_SKEW_SECONDS);
  return exp - from;
}

/**
 * Trusts the external identity provider when AUTH_JWKS_URL is set, otherwise
 * the dev key in the data directory. Only ES256/RS256/EdDSA signed tokens with
 * a known kid, the configured issuer and audience, an `exp`, and a lifetime of
 * at most `maxTokenTtlSeconds` are accepted; `alg: none` never is.
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
  const verified = new BoundedMap<string, { principal: Principal; expiresAt: number }>(10_000);
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
      const exp = payload.exp as number;
      const lifetime = lifetimeSeconds(exp, payload.iat, Math.floor(Date.now() / 1000));
      if (lifetime > config.maxTokenTtlSeconds) {
        throw new AuthError(`token lifetime of ${lifetime} s is longer than the maximum of ${config.maxTokenTtlSeconds} s`);
      }
      const principal = principalFromClaims(payload as Record<string, unknown>);
      verified.set(token, { principal, expiresAt: exp * 1000 });
      return principal;
    } catch (err) {
      if (err instanceof AuthError) throw err;
      if (err instanceof errors.JWTExpired) throw new AuthError('token has expired');
      if (err instanceof errors.JWKSNoMatchingKey) {
        // In development the usual cause is a token minted for another data directory.
        throw new AuthError(
          config.jwksUrl
            ? 'token is signed by an unknown key'
            : "token is signed by an unknown key: development tokens are signed by the key in this gateway's data directory; mint one with npm run token and the same CIVIC_DATA_DIR",
        );
      }
      if (err instanceof errors.JOSEError) throw new AuthError(`token rejected: ${err.code}`);
      throw new AuthError('token rejected');
    }
  };
}
