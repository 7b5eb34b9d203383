import type { Context } from 'fabric-contract-api';
import type { ErrorCode } from './errors';
import type { Charity, CharityYearTotals, Disbursement, Donation, HistoryEntity, Project } from './models';
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
  readonly #changed = new Set<string>();

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  /** The current value of `k`: this transaction's latest, else committed state. */
  async get<T>(k: string): Promise<T | undefined> {
    if (this.#values.has(k)) return this.#values.get(k) as T | undefined;
    const v = await readJson<T>(this.#ctx, k);
    this.#values.set(k, v);
    return v;
  }

  /** Like {@link get}, but throws `code` when there is no value. */
  async must<T>(k: string, code: ErrorCode, what: string): Promise<T> {
    if (this.#values.has(k) && this.#values.get(k) !== undefined) return this.#values.get(k) as T;
    const v = await mustRead<T>(this.#ctx, k, code, what);
    this.#values.set(k, v);
    return v;
  }

  set(k: string, value: unknown): void {
    this.#values.set(k, value);
    this.#changed.add(k);
  }

  /** Writes every changed key once, in first-change order. */
  async flush(): Promise<void> {
    for (const k of this.#changed) await writeJson(this.#ctx, k, this.#values.get(k));
    this.#changed.clear();
  }
}
