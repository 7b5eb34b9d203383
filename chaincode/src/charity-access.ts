import type { Context } from 'fabric-contract-api';
import { callerAttr, callerMsp, callerRoles, requireCaller } from './access';
import { CodedError } from './errors';
import { ATTR, MSP } from './models';

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

/** Throws FORBIDDEN unless the caller acts for `charityId`. */
export function requireActingFor(ctx: Context, charityId: string, what: string): void {
  const mine = actingCharity(ctx);
  if (mine !== charityId) throw new CodedError('FORBIDDEN', `${what} belongs to another charity`);
}

/** True when the caller is an auditor of the audit org: they read and audit everything. */
export function isAuditor(ctx: Context): boolean {
  return callerMsp(ctx) === MSP.audit && callerRoles(ctx).has('auditor');
}

function isOwnCharity(ctx: Context, charityId: string): boolean {
  return callerMsp(ctx) === MSP.charity && callerRoles(ctx).has('charity') && callerAttr(ctx, ATTR.charity) === charityId;
}

/**
 * Who may read a charity's records (charity, projects, donations,
 * disbursements): auditors, the civil-affairs registrar that supervises
 * charities, and the charity's own users.
 */
export function requireReader(ctx: Context, charityId: string): void {
  if (isAuditor(ctx) || isOwnCharity(ctx, charityId)) return;
  if (callerMsp(ctx) === MSP.civil && callerRoles(ctx).has('registrar')) return;
  throw new CodedError('FORBIDDEN', `the caller may not read records of charity ${charityId}`);
}

/** Who may audit a charity (traces, reports, exports, history): auditors and the charity itself. */
export function requireAuditor(ctx: Context, charityId: string): void {
  if (isAuditor(ctx) || isOwnCharity(ctx, charityId)) return;
  throw new CodedError('FORBIDDEN', `only auditors and charity ${charityId} itself may audit its records`);
}
