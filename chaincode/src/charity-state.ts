import type { Context } from 'fabric-contract-api';
import type { ErrorCode } from './errors';
import type { Charity, CharityYearTotals, Disbursement, Donation, HistoryEntity, Project } from './models';
import { txTime } from './access';
import { key, mustRead, readJson, writeJson } from './state';

/**
 * The on-chain layout of charities, projects, donations and disbursements.
 * Every query path is one of these composite keys; nothing is ever scanned.
 */
export const KEYS = {
  charity: 'charity',
  project: 'project',
  donation: 'donation',
  disbursement: 'disbursement',
  /** [charityId, projectId]: a charity's projects, in id order. */
  projectByCharity: 'project~charity',
  /** [entity, id, seq] → {txId, timestamp, record}: every version of an entity changed after its creation, so a page of its history reads only that page. */
  versions: 'version~entity',
  /** [projectId, seq] → donation id: the project's donations in recording (FIFO) order. */
  fifo: 'donation~fifo',
  /** [donationId, disbursementId] → {amount}: what a donation paid into each disbursement. */
  allocation: 'alloc~donation',
  /** [charityId, year] → CharityYearTotals. */
  totals: 'totals',
  /** [charityId, year, seq, donationId]: a charity's donations of a year, in recording order. */
  donationByYear: 'donation~year',
  /** [charityId, year, seq, disbursementId]: a charity's disbursements of a year, in recording order. */
  disbursementByYear: 'disbursement~year',
} as const;

/** Fixed-width sequence numbers, so that key order is numeric order. */
export function seqPart(n: number): string {
  return String(n).padStart(12, '0');
}

const ENTITY: Readonly<Record<HistoryEntity, { type: string; code: ErrorCode }>> = {
  charity: { type: KEYS.charity, code: 'CHARITY_NOT_FOUND' },
  project: { type: KEYS.project, code: 'PROJECT_NOT_FOUND' },
  donation: { type: KEYS.donation, code: 'DONATION_NOT_FOUND' },
  disbursement: { type: KEYS.disbursement, code: 'DISBURSEMENT_NOT_FOUND' },
};

/** The state key of an entity. */
export function entityKey(ctx: Context, entity: HistoryEntity, id: string): string {
  return key(ctx, ENTITY[entity].type, [id]);
}

const ENTITY_OF_TYPE: ReadonlyMap<string, HistoryEntity> = new Map(
  (Object.entries(ENTITY) as Array<[HistoryEntity, { type: string }]>).map(([entity, { type }]) => [type, entity]),
);

/** The entity and id a state key belongs to, when it is an entity key. */
function entityOfKey(ctx: Context, k: string): { entity: HistoryEntity; id: string } | undefined {
  const { objectType, attributes } = ctx.stub.splitCompositeKey(k);
  const entity = ENTITY_OF_TYPE.get(objectType);
  return entity !== undefined && attributes.length === 1 ? { entity, id: attributes[0] } : undefined;
}

/** An entity record as the history index sees it: `version` counts the versions written so far. */
interface Versioned {
  version?: number;
  txId?: string;
  registeredAt?: string;
  createdAt?: string;
  recordedAt?: string;
}

/** One entry of the version index. */
export interface StoredVersion {
  txId: string;
  timestamp: string;
  record: unknown;
}

/** When and by which transaction an entity was created: its first version, as the record itself says. */
export function firstVersion(entity: HistoryEntity, record: Versioned): StoredVersion {
  const timestamp = entity === 'charity' ? record.registeredAt : entity === 'project' ? record.createdAt : record.recordedAt;
  return { txId: record.txId ?? '', timestamp: timestamp ?? '', record };
}

/**
 * Writes an entity record with its next version number. A new entity is
 * version 1 and writes nothing else: the record itself is its first version.
 * From the second version on, each version also goes into the version index
 * ([entity, id, seq]), and the first one with it, taken from the record as
 * committed, so that a page of history reads only that page. Most entities
 * (a donation never consumed, a disbursement) are never changed and cost no
 * index entry. A record written before versions existed (no `version`) stays
 * unversioned; its history is read from the key history instead. Returns the
 * record as written.
 */
export async function writeEntity<T extends object>(ctx: Context, k: string, value: T, committed: Versioned | undefined): Promise<T> {
  const at = entityOfKey(ctx, k);
  if (at === undefined) throw new TypeError(`${k} is not an entity key`);
  if (committed !== undefined && typeof committed.version !== 'number') {
    await writeJson(ctx, k, value);
    return value;
  }
  const version = (committed?.version ?? 0) + 1;
  const record = { ...value, version };
  await writeJson(ctx, k, record);
  if (committed !== undefined) {
    const indexKey = (n: number) => key(ctx, KEYS.versions, [at.entity, at.id, seqPart(n)]);
    if (version === 2) await writeJson(ctx, indexKey(1), firstVersion(at.entity, committed));
    const entry: StoredVersion = { txId: ctx.stub.getTxID(), timestamp: txTime(ctx), record };
    await writeJson(ctx, indexKey(version), entry);
  }
  return record;
}

/** The not-found code of an entity. */
export function notFoundCode(entity: HistoryEntity): ErrorCode {
  return ENTITY[entity].code;
}

/** A charity, or CHARITY_NOT_FOUND. */
export function getCharity(ctx: Context, id: string): Promise<Charity> {
  return mustRead<Charity>(ctx, entityKey(ctx, 'charity', id), 'CHARITY_NOT_FOUND', `charity ${id}`);
}

/** A project, or PROJECT_NOT_FOUND. */
export function getProject(ctx: Context, id: string): Promise<Project> {
  return mustRead<Project>(ctx, entityKey(ctx, 'project', id), 'PROJECT_NOT_FOUND', `project ${id}`);
}

/** A donation, or DONATION_NOT_FOUND. */
export function getDonation(ctx: Context, id: string): Promise<Donation> {
  return mustRead<Donation>(ctx, entityKey(ctx, 'donation', id), 'DONATION_NOT_FOUND', `donation ${id}`);
}

/** A disbursement, or DISBURSEMENT_NOT_FOUND. */
export function getDisbursement(ctx: Context, id: string): Promise<Disbursement> {
  return mustRead<Disbursement>(ctx, entityKey(ctx, 'disbursement', id), 'DISBURSEMENT_NOT_FOUND', `disbursement ${id}`);
}

/** Totals of a charity's year; zeros when nothing was recorded for it. */
export async function readTotals(ctx: Context, charityId: string, year: number): Promise<CharityYearTotals> {
  return (await readJson<CharityYearTotals>(ctx, totalsKey(ctx, charityId, year))) ?? emptyTotals(charityId, year);
}

/** The key of a charity's totals for a year. */
export function totalsKey(ctx: Context, charityId: string, year: number): string {
  return key(ctx, KEYS.totals, [charityId, String(year)]);
}

/** Totals of a year with nothing recorded yet. */
export function emptyTotals(charityId: string, year: number): CharityYearTotals {
  return { charityId, year, income: 0, donationCount: 0, expenditure: { program: 0, management: 0, fundraising: 0 }, disbursementCount: 0 };
}

/**
 * Values read and changed within one transaction. A Fabric stub does not
 * show a transaction its own writes, so a transaction that changes a key
 * more than once (a batch of donations to one project, a disbursement that
 * consumes several donations) keeps the current value here and writes each
 * changed key once, at the end.
 */
export class WorkingSet {
  readonly #ctx: Context;
  readonly #values = new Map<string, unknown>();
  /** What committed state held for each key read, before this transaction changed it. */
  readonly #committed = new Map<string, unknown>();
  readonly #changed = new Set<string>();

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  /** The current value of `k`: this transaction's latest, else committed state. */
  async get<T>(k: string): Promise<T | undefined> {
    if (this.#values.has(k)) return this.#values.get(k) as T | undefined;
    const v = await readJson<T>(this.#ctx, k);
    this.#values.set(k, v);
    this.#committed.set(k, v);
    return v;
  }

  /** Like {@link get}, but throws `code` when there is no value. */
  async must<T>(k: string, code: ErrorCode, what: string): Promise<T> {
    if (this.#values.has(k) && this.#values.get(k) !== undefined) return this.#values.get(k) as T;
    const v = await mustRead<T>(this.#ctx, k, code, what);
    this.#values.set(k, v);
    this.#committed.set(k, v);
    return v;
  }

  set(k: string, value: unknown): void {
    this.#values.set(k, value);
    this.#changed.add(k);
  }

  /**
   * Writes every changed key once, in first-change order; an entity record
   * as one new version (a key set but never read is a new entity).
   */
  async flush(): Promise<void> {
    for (const k of this.#changed) {
      const value = this.#values.get(k);
      if (entityOfKey(this.#ctx, k) !== undefined && value !== null && typeof value === 'object') {
        await writeEntity(this.#ctx, k, value, this.#committed.get(k) as Versioned | undefined);
      } else {
        await writeJson(this.#ctx, k, value);
      }
    }
    this.#changed.clear();
  }
}
