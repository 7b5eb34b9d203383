import path from 'node:path';
import { createHash } from 'node:crypto';
import { enrol, verifyIssuedBy } from '../../../network/pki';
import type { SigningIdentity } from '../../../network/pki/types';
import { readJsonFile, writeFileAtomic } from '../fs-store';
import type { Principal } from '../auth/principal';

/** The certificate attributes a user's enrolment carries (Fabric CA style). */
export interface EnrolmentAttrs {
  role: string;
  dept?: string;
  charity?: string;
}

interface StoredIdentity extends SigningIdentity {
  attrs: EnrolmentAttrs;
}

/** Attributes for a principal: roles joined by commas, plus dept and charity. */
export function attrsOf(p: Pick<Principal, 'roles' | 'dept' | 'charity'>): EnrolmentAttrs {
  const attrs: EnrolmentAttrs = { role: [...p.roles].sort().join(',') };
  if (p.dept) attrs.dept = p.dept;
  if (p.charity) attrs.charity = p.charity;
  return attrs;
}

function sameAttrs(a: EnrolmentAttrs, b: EnrolmentAttrs): boolean {
  return a.role === b.role && a.dept === b.dept && a.charity === b.charity;
}

/**
 * A custodial wallet: one Fabric identity per (org, user), enrolled on first
 * use by the org's CA with the user's attributes, and re-enrolled when they
 * change. Identities persist in `<dataDir>/wallet`.
 */
export class Wallet {
  readonly #dir: string;
  readonly #cas: ReadonlyMap<string, { certificatePem: string; privateKeyPem: string }>;
  readonly #cache = new Map<string, Promise<StoredIdentity>>();

  constructor(dir: string, cas: ReadonlyMap<string, { certificatePem: string; privateKeyPem: string }>) {
    this.#dir = dir;
    this.#cas = cas;
  }

  /** The signing identity for `user` of `mspId` with `attrs`. */
  async identity(mspId: string, user: string, attrs: EnrolmentAttrs): Promise<SigningIdentity> {
    const cacheKey = `${mspId}\u0000${user}`;
    let pending = this.#cache.get(cacheKey);
    if (pending) {
      const found = await pending;
      if (sameAttrs(found.attrs, attrs)) return found;
    }
    pending = this.#load(mspId, user, attrs);
    this.#cache.set(cacheKey, pending);
    try {
      return await pending;
    } catch (err) {
      this.#cache.delete(cacheKey);
      throw err;
    }
  }

  /** The identity of a principal. */
  forPrincipal(p: Principal): Promise<SigningIdentity> {
    return this.identity(p.mspId, p.sub, attrsOf(p));
  }

  async #load(mspId: string, user: string, attrs: EnrolmentAttrs): Promise<StoredIdentity> {
    const file = path.join(this.#dir, mspId, `${createHash('sha256').update(user).digest('hex').slice(0, 32)}.json`);
    const ca = this.#cas.get(mspId);
    if (!ca) throw new TypeError(`no CA for ${mspId}`);
    const stored = await readJsonFile<StoredIdentity>(file);
    // An identity enrolled by another CA (the other ledger, or a Fabric network made anew) is enrolled again.
    if (stored && sameAttrs(stored.attrs, attrs) && (await verifyIssuedBy(stored.certificatePem, ca.certificatePem))) return stored;
    const cert = await enrol(ca, { commonName: user, nodeRole: 'client', attrs: { ...attrs } });
    const identity: StoredIdentity = { mspId, certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem, attrs };
    await writeFileAtomic(file, JSON.stringify(identity));
    return identity;
  }
}
