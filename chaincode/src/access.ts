import type { Context } from 'fabric-contract-api';
import { CodedError } from './errors';
import { ATTR, type Actor, type Role } from './models';

/** The caller's MSP ID. */
export function callerMsp(ctx: Context): string {
  return ctx.clientIdentity.getMSPID();
}

/** The roles in the caller's certificate attribute `role` (comma-separated). */
export function callerRoles(ctx: Context): Set<string> {
  const raw = ctx.clientIdentity.getAttributeValue(ATTR.role);
  return new Set((raw ?? '').split(',').map((r) => r.trim()).filter((r) => r.length > 0));
}

/** A certificate attribute of the caller, or undefined. */
export function callerAttr(ctx: Context, name: string): string | undefined {
  return ctx.clientIdentity.getAttributeValue(name) ?? undefined;
}

/** Who the caller is, for records and history. */
export function actorOf(ctx: Context): Actor {
  return { mspId: callerMsp(ctx), id: ctx.clientIdentity.getID() };
}

/**
 * Throws FORBIDDEN unless the caller belongs to one of `msps` (when given)
 * and holds at least one of `roles`.
 */
export function requireCaller(ctx: Context, rule: { msps?: readonly string[]; roles: readonly Role[] }): void {
  const msp = callerMsp(ctx);
  if (rule.msps && !rule.msps.includes(msp)) {
    throw new CodedError('FORBIDDEN', `organisation ${msp} may not do this`);
  }
  const roles = callerRoles(ctx);
  if (!rule.roles.some((r) => roles.has(r))) {
    throw new CodedError('FORBIDDEN', `requires role ${rule.roles.join(' or ')}`);
  }
}

/** The transaction's timestamp as ISO-8601 (the chaincode never reads the clock). */
export function txTime(ctx: Context): string {
  return isoTime(ctx.stub.getTxTimestamp());
}

/**
 * A protobuf timestamp as ISO-8601 with millisecond precision. `seconds` may
 * be a Long, a number or a decimal string, depending on who decoded it.
 */
export function isoTime(ts: { seconds: unknown; nanos: unknown }): string {
  const seconds = Number(String(ts.seconds));
  const millis = seconds * 1000 + Math.floor(Number(ts.nanos) / 1e6);
  return new Date(millis).toISOString();
}
