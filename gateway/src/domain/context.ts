import type { Config } from '../config';
import type { IssuerKeyStore } from '../credentials/issuer-keys';
import type { Ledger } from '../ledger';
import type { Wallet } from '../wallet/wallet';
import type { SigningIdentity } from '../../../network/pki/types';

/** What every use case needs; built once at start-up. */
export interface DomainContext {
  readonly config: Config;
  readonly ledger: Ledger;
  readonly wallet: Wallet;
  /** The org's credential keys, by MSP ID (the orgs this gateway signs for). */
  readonly keyStores: ReadonlyMap<string, IssuerKeyStore>;
  readonly pepper: string;
  /** The gateway's own identity, for public reads. */
  readonly serviceIdentity: SigningIdentity;
}
