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
  #saving: Promise<void> = Promise.resolve();

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

  /** Forgets a key that was never put to use (the chain refused it); the active key cannot be discarded. */
  async discard(kid: string): Promise<void> {
    if (this.#stored.activeKid === kid) throw new TypeError(`key ${kid} is active`);
    if (!Object.hasOwn(this.#stored.keys, kid)) return;
    delete this.#stored.keys[kid];
    this.#objects.delete(kid);
    await this.#save();
  }

  /** Makes `kid` the key new credentials are signed with. */
  async activate(kid: string): Promise<void> {
    if (!Object.hasOwn(this.#stored.keys, kid)) throw new TypeError(`unknown key ${kid}`);
    if (this.#stored.activeKid === kid) return;
    this.#stored.activeKid = kid;
    await this.#save();
  }

  /** The active key, if any. */
  active(): HeldKey | undefined {
    return this.#stored.activeKid ? this.get(this.#stored.activeKid) : undefined;
  }

  has(kid: string): boolean {
    return Object.hasOwn(this.#stored.keys, kid);
  }

  get(kid: string): HeldKey | undefined {
    if (!Object.hasOwn(this.#stored.keys, kid)) return undefined;
    const jwk = this.#stored.keys[kid];
    let obj = this.#objects.get(kid);
    if (!obj) {
      obj = createPrivateKey({ key: { ...jwk }, format: 'jwk' });
      this.#objects.set(kid, obj);
    }
    return { kid, privateKey: obj, publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
  }

  /** Saves are chained, so concurrent changes reach the file in order and the last one wins with everything. */
  #save(): Promise<void> {
    const next = this.#saving.catch(() => undefined).then(() => writeFileAtomic(this.#file, JSON.stringify(this.#stored)));
    this.#saving = next;
    return next;
  }
}
