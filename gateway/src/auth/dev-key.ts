import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import { readOrCreateJson } from '../fs-store';

/** The development token key, kept in the data directory. */
export interface DevKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
  publicJwk: JWK;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Loads the dev signing key from `<dataDir>/auth/dev-token-key.json`, creating it on first use. */
export async function loadDevKey(dataDir: string): Promise<DevKey> {
  const stored = await readOrCreateJson<StoredKey>(path.join(dataDir, 'auth', 'dev-token-key.json'), async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${randomUUID()}`;
    return {
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    };
  });
  return { kid: stored.kid, privateKey: await importJWK(stored.privateJwk, 'ES256'), publicJwk: stored.publicJwk };
}

export interface DevTokenClaims {
  sub: string;
  org: string;
  roles: string[];
  dept?: string;
  charity?: string;
}

/** Signs a development token (ES256) with the dev key. */
export async function signDevToken(
  key: DevKey,
  claims: DevTokenClaims,
  options: { issuer: string; audience: string; ttlSeconds: number },
): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds)
    .sign(key.privateKey);
}
