import type { Context } from 'fabric-contract-api';
import { callerAttr, callerMsp, callerRoles, requireCaller } from './access';
import { CodedError } from './errors';
import { ATTR, MSP } from './models';

/**
 * Who is asking, as the access decisions see it. The chaincode builds it
 * from the caller's certificate; the gateway, for its early 403, from the
 * token; both then ask the same functions below.
 */
export interface CallerView {
  mspId: string;
  roles: readonly string[];
  /** The charity a charity user acts for. */
  charity?: string;
}

/** The caller of a transaction, from its certificate. */
export function callerView(ctx: Context): CallerView {
  return { mspId: callerMsp(ctx), roles: [...callerRoles(ctx)], charity: callerAttr(ctx, ATTR.charity) };
}

/** An auditor of the audit org: reads and audits every charity. */
export function isAuditorCaller(c: CallerView): boolean {
  return c.mspId === MSP.audit && c.roles.includes('auditor');
}

/** A user of charity `charityId` acting for it. */
export function actsForCharity(c: CallerView, charityId: string): boolean {
  return c.mspId === MSP.charity && c.roles.includes('charity') && c.charity === charityId;
}

/** Who may audit a charity (traces, reports, exports, history): auditors and the charity itself. */
export function mayAudit(c: CallerView, charityId: string): boolean {
  return isAuditorCaller(c) || actsForCharity(c, charityId);
}

/** Whether the caller may audit some charity at all: an auditor, or a charity user acting for a charity. */
export function mayAuditSome(c: CallerView): boolean {
  return isAuditorCaller(c) || (c.mspId === MSP.charity && c.roles.includes('charity') && !!c.charity);
}

/**
 * Who may read a charity's records (charity, projects, donations,
 * disbursements): those who may audit it, and the civil-affairs registrar
 * that supervises charities.
 */
export function mayRead(c: CallerView, charityId: string): boolean {
  return mayAudit(c, charityId) || supervisesCharities(c);
}

/** The civil-affairs registrar, which supervises every charity. */
function supervisesCharities(c: CallerView): boolean {
  return c.mspId === MSP.civil && c.roles.includes('registrar');
}

/** Whether the caller may read some charity's records at all (see {@link mayRead}): else none of them need be read for it. */
export function mayReadSome(c: CallerView): boolean {
  return mayAuditSome(c) || supervisesCharities(c);
}

/**
 * The charity a charity user acts for: CharityMSP, role `charity`, and the
 * `charity` attribute of the caller's certificate. Writes are only ever for
 * this charity; the gateway's claim is not trusted for it.
 */
export function actingCharity(ctx: Context): string {
  requireCaller(ctx, { msps: [MSP.charity], roles: ['charity'] });
  const charityId = callerAttr(ctx, ATTR.charity);
  if (!charityId) throw new CodedError('FORBIDDEN', 'the caller certificate names no charity');
  return charityId;
}

/**
 * What a refused reader or auditor is told. `charityId` is often the owner of
 * a record the caller named by its own id, so it is never in the message: the
 * caller learns that the record is not theirs, not whose it is.
 */
export const NOT_YOUR_CHARITY_READ = 'only auditors, the civil registrar and the charity that owns it may read this record';
export const NOT_YOUR_CHARITY_AUDIT = 'only auditors and the charity that owns them may audit these records';

/** FORBIDDEN unless the caller may read `charityId`'s records (see {@link mayRead}). */
export function requireReader(ctx: Context, charityId: string): void {
  if (!mayRead(callerView(ctx), charityId)) throw new CodedError('FORBIDDEN', NOT_YOUR_CHARITY_READ);
}

/** FORBIDDEN unless the caller may audit `charityId` (see {@link mayAudit}). */
export function requireAuditor(ctx: Context, charityId: string): void {
  if (!mayAudit(callerView(ctx), charityId)) throw new CodedError('FORBIDDEN', NOT_YOUR_CHARITY_AUDIT);
}
