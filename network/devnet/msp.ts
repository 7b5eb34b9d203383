import type { X509Certificate } from 'node:crypto';
import { certificateInfo, isIssuedBy, type CertificateInfo } from '../pki';

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
 * The channel's MSPs: which CA each org trusts. Verdicts are cached per
 * (MSP, certificate) so validating a creator costs a map lookup after the first time.
 */
export class MspRegistry {
  readonly #cas = new Map<string, X509Certificate>();
  readonly #verdicts = new Map<string, { ok: boolean; reason: string; expires: number }>();

  constructor(orgs: readonly ChannelOrg[]) {
    for (const org of orgs) this.#cas.set(org.mspId, certificateInfo(org.caCertificatePem).certificate);
  }

  has(mspId: string): boolean {
    return this.#cas.has(mspId);
  }

  /** Checks that `certificatePem` is a valid member of `mspId`, optionally with a NodeOU role. */
  check(mspId: string, certificatePem: string, role?: 'peer' | 'client' | 'admin' | 'orderer'): IdentityCheck {
    const ca = this.#cas.get(mspId);
    if (!ca) return { ok: false, reason: `MSP ${mspId} is not a member of the channel` };
    let info: CertificateInfo;
    try {
      info = certificateInfo(certificatePem);
    } catch {
      return { ok: false, reason: 'the identity is not a parseable X.509 certificate' };
    }
    const cacheKey = `${mspId}\n${certificatePem}`;
    const now = Date.now();
    let verdict = this.#verdicts.get(cacheKey);
    if (!verdict || verdict.expires < now) {
      const ok = isIssuedBy(info.certificate, ca, new Date(now));
      verdict = {
        ok,
        reason: ok ? '' : `the certificate is not issued by ${mspId}'s CA or is outside its validity period`,
        // Re-check at expiry, so a certificate that lapses stops validating.
        expires: ok ? Math.min(Date.parse(info.certificate.validTo), now + 3_600_000) : now + 60_000,
      };
      if (this.#verdicts.size >= MAX_CACHED) this.#verdicts.clear();
      this.#verdicts.set(cacheKey, verdict);
    }
    if (!verdict.ok) return { ok: false, reason: verdict.reason };
    if (role && !info.organizationalUnits.includes(role)) {
      return { ok: false, reason: `the certificate does not carry the ${role} role (OU)` };
    }
    return { ok: true, info };
  }
}
