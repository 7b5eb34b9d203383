/**
 * The audit pages' calls. A 403 here means "this charity is not yours to
 * audit", which the page says in its own words instead of sending a logged-in
 * user to the login page; an expired login (401) still ends the session.
 */
import { ApiError, api, seg } from '../../lib/api';
import { logOut } from '../../lib/session';
import type { Charity, Disbursement, Donation, Page, Project } from '../../lib/types';
// The shared types file has no report or trace shapes yet; they come from the same chaincode models, type-only.
import type { AnnualReport, ComplianceStanding, DisbursementTrace, DonationTrace, Finding } from '../../../../chaincode/src/models';
import { businessYearAt } from '../../../../chaincode/src/business-date';
import type { ChainCheck, LedgerTransaction } from '../../../../shared/ledger-types';

export type { AnnualReport, ChainCheck, ComplianceStanding, Charity, Disbursement, DisbursementTrace, Donation, DonationTrace, Finding, LedgerTransaction, Page, Project };

/** A record of the year's listing; the gateway may add the block of its transaction. */
export type Listed<T> = T & { blockNumber?: number };

/** GET with the audit's handling of 401/403 (see the file comment). */
export async function auditGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  try {
    return await api<T>('GET', path, { signal, redirectOnAuthError: false });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) logOut();
    throw err;
  }
}

/** True for the API's "you may not" answer. */
export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403;
}

/** The accounting year of now, as the ledger counts it (the chaincode's rule). */
export function businessYearNow(now = Date.now()): number {
  return businessYearAt(now);
}

export function reportPath(charityId: string, year: number): string {
  return `/api/v1/audit/charities/${seg(charityId)}/report?year=${year}`;
}

/** True when a report has any money in it. */
export function hasActivity(r: AnnualReport): boolean {
  return r.income > 0 || r.expenditure.total > 0;
}

/** The latest report: this year's when it has any income or spending, else last year's. */
export async function latestReport(charityId: string, signal?: AbortSignal): Promise<AnnualReport> {
  const year = businessYearNow();
  const current = await auditGet<AnnualReport>(reportPath(charityId, year), signal);
  if (hasActivity(current)) return current;
  return auditGet<AnnualReport>(reportPath(charityId, year - 1), signal);
}

/** Pages fetched at most for one year's records: the chart and tables stay responsive. */
export const MAX_RECORD_PAGES = 20;
const RECORD_PAGE = 500;

/** Every record of a kind for a year (up to {@link MAX_RECORD_PAGES} pages); `complete` is false when more were left. */
export async function yearRecords<T>(charityId: string, year: number, kind: 'donations' | 'disbursements', signal?: AbortSignal): Promise<{ items: Listed<T>[]; complete: boolean }> {
  const items: Listed<T>[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_RECORD_PAGES; i++) {
    const q = new URLSearchParams({ year: String(year), kind, limit: String(RECORD_PAGE) });
    if (cursor) q.set('cursor', cursor);
    const page = await auditGet<Page<Listed<T>>>(`/api/v1/audit/charities/${seg(charityId)}/records?${q}`, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return { items, complete: true };
  }
  return { items, complete: false };
}

/** Projects read per page when a report names them; a charity with more is shown by id past this many pages. */
const PROJECT_PAGES = 20;

/** A charity's projects by id (one listing, paged), for naming them in the money flow. */
export async function charityProjects(charityId: string, signal?: AbortSignal): Promise<Map<string, Project>> {
  const projects = new Map<string, Project>();
  let cursor: string | undefined;
  for (let i = 0; i < PROJECT_PAGES; i++) {
    const q = new URLSearchParams({ limit: String(RECORD_PAGE) });
    if (cursor) q.set('cursor', cursor);
    const page = await auditGet<Page<Project>>(`/api/v1/charities/${seg(charityId)}/projects?${q}`, signal);
    for (const p of page.items) projects.set(p.id, p);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return projects;
}
