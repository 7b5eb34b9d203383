import type { KeyObject } from 'node:crypto';
import type { CertificateType } from '../../../chaincode/src/models';
import type { Config } from '../config';
import type { IssuerKeyStore } from '../credentials/issuer-keys';
import type { Ledger } from '../ledger';
import type { Wallet } from '../wallet/wallet';
import type { ServiceMetrics } from '../observability/metrics';
import type { SigningIdentity } from '../../../network/pki/types';
import type { PendingIssues } from './issuance';
import type { Pseudonyms } from '../credentials/holder-ref';
import type { ServedStatusList } from './status-lists';
import { KeyedMutex } from './keyed-mutex';
import { BoundedMap } from '../../../chaincode/src/bounded-map';

/**
 * The caches and queues of one service. They live here rather than in
 * modules, so that two services in one process share nothing and every
 * test builds fresh ones.
 */
export interface ServiceState {
  /** Certificate types never change once registered, so a found type is kept. */
  readonly types: Map<string, CertificateType>;
  /** A project's charity never changes. */
  readonly projectOwners: Map<string, string>;
  /** Block numbers of committed transactions never change. */
  readonly blocks: Map<string, number>;
  /** Imported public keys of registered JWKs, by kid and JWK. */
  readonly publicKeys: Map<string, KeyObject>;
  /** One queue per charity: its writes touch the same hot keys. */
  readonly charityWrites: KeyedMutex;
  /** One queue per org for changes of its signing keys. */
  readonly keyChanges: KeyedMutex;
  /** One queue per org for issuance: each anchoring takes the org's next status-list numbers. */
  readonly orgIssuance: KeyedMutex;
  /** Each org's next certificate number as this gateway's last anchoring left it; dropped on any failure. */
  readonly nextStatusNumbers: Map<string, number>;
  /** Single issuances waiting to go together, by org and user. */
  readonly pendingIssues: Map<string, PendingIssues>;
  /** Times of recent searches by holder, by user. */
  readonly holderSearches: Map<string, number[]>;
  /** Signed status lists, by org, purpose, list, block height and key. */
  readonly statusLists: Map<string, ServedStatusList>;
  /** Open event streams (GET /api/v1/events). */
  readonly eventStreams: Set<EventStream>;
}

/** One open event stream, as the bounds and metrics see it. */
export interface EventStream {
  /** Whose it is: the token's `org` and `sub`. */
  readonly owner: string;
  readonly started: number;
  /** Bytes written to it that its client has not taken yet. */
  bufferedBytes(): number;
}

/** Bytes written to all open event streams and not yet taken by their clients. */
export function eventBufferedBytes(state: ServiceState): number {
  let n = 0;
  for (const s of state.eventStreams) n += s.bufferedBytes();
  return n;
}

/** Fresh, empty service state. */
export function newServiceState(): ServiceState {
  return {
    types: new BoundedMap(10_000),
    projectOwners: new BoundedMap(100_000),
    blocks: new BoundedMap(200_000),
    publicKeys: new BoundedMap(10_000),
    charityWrites: new KeyedMutex(),
    keyChanges: new KeyedMutex(),
    orgIssuance: new KeyedMutex(),
    nextStatusNumbers: new Map(),
    pendingIssues: new Map(),
    holderSearches: new BoundedMap(100_000),
    statusLists: new BoundedMap(1_000),
    eventStreams: new Set(),
  };
}

/** What every use case needs; built once at start-up. */
export interface DomainContext {
  readonly config: Config;
  readonly ledger: Ledger;
  readonly wallet: Wallet;
  /** The org's credential keys, by MSP ID (the orgs this gateway signs for). */
  readonly keyStores: ReadonlyMap<string, IssuerKeyStore>;
  /** Pseudonyms of people by purpose, keyed by the consortium pepper. */
  readonly pseudonyms: Pseudonyms;
  /** The gateway's own identity, for public reads. */
  readonly serviceIdentity: SigningIdentity;
  readonly state: ServiceState;
  /** The service's own metrics: domain code observes through this, never through a global registry. */
  readonly metrics: ServiceMetrics;
}
