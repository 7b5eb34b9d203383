import type { X509Certificate } from 'node:crypto';
import { certificateInfo, isSignedBy, type CertificateInfo } from '../pki';
import { BoundedMap } from '../../chaincode/src/bounded-map';

/** An org as the channel config names it. */
export interface ChannelOrg {
  mspId: string;
  name: string;
  caCertificatePem: string;
}

/** The outcome of checking an identity against the channel's MSPs. */
export type IdentityCheck = { ok: true; info: CertificateInfo } | { ok: false; reason: string };

const MAX_CACHED = 10_000;

/**
 * The channel's MSPs: which CA each org trusts. The CA's signature on a
 * certificate is checked once per (MSP, certificate), so validating a
 * creator costs a map lookup and a time comparison after the first time.
 */
export class MspRegistry {
  readonly #cas = new Map<string, X509Certificate>();
  /** Per (MSP, certificate): whether the org's CA signed it, and its validity period in epoch ms. */
  readonly #issued = new BoundedMap<string, { signed: boolean; from: number; to: number }>(MAX_CACHED);

  readonly #now: () => number;

  constructor(orgs: readonly ChannelOrg[], now: () => number = Date.now) {
    this.#now = now;
    for (const org of orgs) this.#cas.set(org.mspId, certificateInfo(org.caCertificatePem).certificate);
  }

  has(mspId: string): boolean {
    return this.#cas.has(mspId);
  }

  /**
   * Checks that `certificatePem` is a member of `mspId` at `at` (now by
   * default; a stored transaction is checked at its own time, so a
   * certificate that lapsed since does not make it bad), optionally with a NodeOU role.
   */
  check(mspId: string, certificatePem: string, role?: 'peer' | 'client' | 'admin' | 'orderer', at?: Date): IdentityCheck {
    const ca = this.#cas.get(mspId);
    if (!ca) return { ok: false, reason: `MSP ${mspId} is not a member of the channel` };
    let info: CertificateInfo;
    try {
      info = certificateInfo(certificatePem);
    } catch {
      return { ok: false, reason: 'the identity is not a parseable X.509 certificate' };
    }
    const cacheKey = `${mspId}\n${certificatePem}`;
    let issued = this.#issued.get(cacheKey);
    if (!issued) {
      // The CA's signature never changes; only the time it is checked at does.
      issued = { signed: isSignedBy(info.certificate, ca), from: Date.parse(info.certificate.validFrom), to: Date.parse(info.certificate.validTo) };
      this.#issued.set(cacheKey, issued);
    }
    const t = at ? at.getTime() : this.#now();
    if (!issued.signed || t < issued.from || t > issued.to) {
      return { ok: false, reason: `the certificate is not issued by ${mspId}'s CA or is outside its validity period` };
    }
    if (role && !info.organizationalUnits.includes(role)) {
      return { ok: false, reason: `the certificate does not carry the ${role} role (OU)` };
    }
    return { ok: true, info };
  }
}
