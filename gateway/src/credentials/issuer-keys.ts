import path from 'node:path';
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { PublicJwk } from '../../../chaincode/src/models';
import { readJsonFile, writeFileAtomic } from '../fs-store';

interface PrivateJwk extends PublicJwk {
  d: string;
}

interface StoredKeys {
  activeKid?: string;
  keys: Record<string, PrivateJwk>;
}

/** A signing key the gateway holds for its org. */
export interface HeldKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/**
 * The org's credential signing keys, private parts kept in the data
 * directory (`issuers/<msp>/keys.json`, mode 0600). Public parts go on chain.
 */
export class IssuerKeyStore {
  readonly #file: string;
  #stored: StoredKeys = { keys: {} };
  readonly #objects = new Map<string, KeyObject>();

  private constructor(file: string) {
    this.#file = file;
  }

  static async open(dataDir: string, mspId: string): Promise<IssuerKeyStore> {
    const store = new IssuerKeyStore(path.join(dataDir, 'issuers', mspId, 'keys.json'));
    store.#stored = (await readJsonFile<StoredKeys>(store.#file)) ?? { keys: {} };
    return store;
  }

  /** Generates and durably stores a new key; it is not active until {@link activate}. */
  async generate(): Promise<HeldKey> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string; d: string };
    const kid = `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    this.#stored.keys[kid] = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d };
    await this.#save();
    return this.get(kid) as HeldKey;
  }

  /** Makes `kid` the key new credentials are signed with. */
  async activate(kid: string): Promise<void> {
    if (!this.#stored.keys[kid]) throw new TypeError(`unknown key ${kid}`);
    if (this.#stored.activeKid === kid) return;
    this.#stored.activeKid = kid;
    await this.#save();
  }

  /** The active key, if any. */
  active(): HeldKey | undefined {
    return this.#stored.activeKid ? this.get(this.#stored.activeKid) : undefined;
  }

  has(kid: string): boolean {
    return kid in this.#stored.keys;
  }

  get(kid: string): HeldKey | undefined {
    const jwk = this.#stored.keys[kid];
    if (!jwk) return undefined;
    let obj = this.#objects.get(kid);
    if (!obj) {
      obj = createPrivateKey({ key: { ...jwk }, format: 'jwk' });
      this.#objects.set(kid, obj);
    }
    return { kid, privateKey: obj, publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
  }

  async #save(): Promise<void> {
    await writeFileAtomic(this.#file, JSON.stringify(this.#stored));
  }
}
