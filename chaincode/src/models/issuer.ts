/** Lifecycle of an issuer signing key. */
export type IssuerKeyStatus = 'active' | 'retired' | 'compromised';

/** A public JWK as registered on chain (EC P-256 for ES256). */
export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  kid?: string;
  alg?: string;
  use?: string;
}

/** An issuer's public key and its validity window. */
export interface IssuerKey {
  kid: string;
  mspId: string;
  jwk: PublicJwk;
  status: IssuerKeyStatus;
  activatedAt: string;
  retiredAt?: string;
  /** When the key was compromised: nothing it signed from then on verifies. */
  compromisedAt?: string;
}

/** An organisation that issues credentials, with all its keys. */
export interface Issuer {
  mspId: string;
  name: string;
  keys: IssuerKey[];
}
