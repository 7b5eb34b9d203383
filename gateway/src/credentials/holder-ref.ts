import { createHmac, hkdfSync } from 'node:crypto';
import { canonicalJson } from '../../../chaincode/src/codec';
import type { PersonDocument } from '../../../chaincode/src/identifiers';
import { BoundedMap } from '../../../chaincode/src/bounded-map';

/**
 * What a pseudonym is for. Each purpose has its own key, so a pseudonym of
 * one purpose equals no pseudonym of another: a donor's pseudonym says
 * nothing about whether the same person holds a certificate.
 */
export type PseudonymPurpose = 'holder' | 'donor' | 'beneficiary' | 'claims';

/** Bound on the per-charity donor keys kept derived (charities are few; the bound only guards memory). */
const DONOR_KEYS_KEPT = 10_000;

/**
 * Pseudonyms of people, by purpose. Each is HMAC-SHA256, hex, of the checked
 * document key, under a key derived from the consortium pepper with HKDF for
 * that purpose alone; donor keys are derived per charity as well, so two
 * charities cannot link their donors. Without the pepper none of them can be
 * computed, and a caller that makes the gateway compute one (a donation names
 * a donor) learns a value that matches nothing outside that purpose and charity.
 */
export class Pseudonyms {
  private readonly holderKey: Buffer;
  private readonly beneficiaryKey: Buffer;
  private readonly claimsKey: Buffer;
  private readonly donorKeys = new BoundedMap<string, Buffer>(DONOR_KEYS_KEPT);

  constructor(private readonly pepper: string) {
    this.holderKey = derive(pepper, 'holder');
    this.beneficiaryKey = derive(pepper, 'beneficiary');
    this.claimsKey = derive(pepper, 'claims');
  }

  /** The holder of a certificate, as its record and the holder indexes name them. */
  holder(person: PersonDocument): string {
    return hmac(this.holderKey, person.key);
  }

  /** A donor of `charityId`: the same person donating to two charities has two unrelated pseudonyms. */
  donor(charityId: string, person: PersonDocument): string {
    let key = this.donorKeys.get(charityId);
    if (!key) {
      key = derive(this.pepper, `donor\u0000${charityId}`);
      this.donorKeys.set(charityId, key);
    }
    return hmac(key, person.key);
  }

  /** A beneficiary of a disbursement: one pseudonym across charities, so auditors see a person funded twice. */
  beneficiary(person: PersonDocument): string {
    return hmac(this.beneficiaryKey, person.key);
  }

  /**
   * The claims of a certificate, as its record's `claimsRef`: the ledger can
   * then say whether a request names the claims a certificate was issued
   * with, without holding them. The HMAC covers the certificate id and the
   * holder's document key as well as the type and claims, so two
   * certificates with equal claims (a common allowance, a common region)
   * get unrelated refs, which link nothing.
   */
  claims(certId: string, person: PersonDocument, type: string, claims: Record<string, unknown>): string {
    return hmac(this.claimsKey, canonicalJson({ id: certId, holder: person.key, type, claims }));
  }

  /**
   * The holder pseudonym of records written before pseudonyms had purposes:
   * HMAC under the pepper itself, the same function donors and beneficiaries
   * then used. Only compared with stored records, never computed for an answer.
   */
  legacyHolder(person: PersonDocument): string {
    return hmac(Buffer.from(this.pepper, 'utf8'), person.key);
  }
}

function derive(pepper: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(pepper, 'utf8'), 'civic-ledger pseudonyms v2', `civic-ledger/${purpose}`, 32));
}

function hmac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}
