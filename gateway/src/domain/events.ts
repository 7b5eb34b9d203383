import { mayRead, type CallerView } from '../../../chaincode/src/charity-access';
import { invalid } from '../../../chaincode/src/errors';
import { EVENTS } from '../../../chaincode/src/events';
import type { LedgerEvent } from '../ledger';
import type { DomainContext } from './context';

/** The events `GET /api/v1/events` streams: committed ledger changes, one per record. */
export const EVENT_TYPES = [
  'certificate.issued',
  'certificate.suspended',
  'certificate.reinstated',
  'certificate.revoked',
  'certificate-type.registered',
  'issuer-key.rotated',
  'charity.registered',
  'project.created',
  'donation.recorded',
  'disbursement.recorded',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Where an event sits: its block, the chaincode event's place in the block, and the record's place in that event. */
export interface EventPosition {
  block: number;
  k: number;
  n: number;
}

/** An event as the stream sends it. `data` holds no names, no ID numbers and no credentials. */
export interface ApiEvent {
  /** `<block>.<k>.<n>`: orders events, and resumes a stream after this one. */
  id: string;
  /** The parts of `id`. */
  position: EventPosition;
  type: EventType;
  /** The charity the record belongs to, for visibility; absent for records every member may read. */
  charityId?: string;
  data: Record<string, unknown>;
}

const STATUS_EVENTS: Readonly<Record<string, EventType>> = {
  suspend: 'certificate.suspended',
  reinstate: 'certificate.reinstated',
  revoke: 'certificate.revoked',
};

type Payload = Record<string, unknown>;
const items = (p: Payload): Payload[] => (Array.isArray(p.items) ? (p.items as Payload[]) : []);

/** The records a chaincode event announces, as [type, fields] pairs, in the chaincode's order. */
function recordsOf(name: string, p: Payload): Array<[EventType, Payload]> {
  switch (name) {
    case EVENTS.certificateIssued:
      return [['certificate.issued', { id: p.id, certificateType: p.type, issuerMsp: p.issuerMsp }]];
    case EVENTS.certificatesIssued:
      return items(p).map((i) => ['certificate.issued', { id: i.id, certificateType: i.type, issuerMsp: p.issuerMsp }]);
    case EVENTS.certificateStatusChanged: {
      const type = typeof p.action === 'string' && Object.hasOwn(STATUS_EVENTS, p.action) ? STATUS_EVENTS[p.action] : undefined;
      return type ? [[type, { id: p.id, status: p.status, certificateType: p.type, issuerMsp: p.issuerMsp }]] : [];
    }
    case EVENTS.certificateTypeRegistered:
      return [['certificate-type.registered', { id: p.type }]];
    case EVENTS.issuerKeyRegistered:
      return [['issuer-key.rotated', { id: p.kid, mspId: p.mspId, retired: p.retired ?? [] }]];
    case EVENTS.charityRegistered:
      return [['charity.registered', { id: p.id }]];
    case EVENTS.projectCreated:
      return [['project.created', { id: p.id, charityId: p.charityId }]];
    case EVENTS.donationRecorded:
      return [['donation.recorded', { id: p.id, projectId: p.projectId, charityId: p.charityId, amount: p.amount }]];
    case EVENTS.donationsImported:
      return items(p).map((i) => ['donation.recorded', { id: i.id, projectId: i.projectId, charityId: i.charityId, amount: i.amount }]);
    case EVENTS.disbursementRecorded:
      return [['disbursement.recorded', { id: p.id, projectId: p.projectId, charityId: p.charityId, amount: p.amount, category: p.category }]];
    default:
      return [];
  }
}

/**
 * The API events of one chaincode event, the `k`-th of its block: one per
 * record (a batch of 1,000 certificates is 1,000 events), each with the
 * transaction, block and time of the change.
 */
export function apiEventsOf(e: LedgerEvent, k: number): ApiEvent[] {
  let p: Payload;
  try {
    p = JSON.parse(e.payload) as Payload;
  } catch {
    return [];
  }
  return recordsOf(e.name, p).map(([type, fields], n) => ({
    id: `${e.blockNumber}.${k}.${n}`,
    position: { block: e.blockNumber, k, n },
    type,
    charityId: typeof fields.charityId === 'string' ? fields.charityId : undefined,
    data: { type, ...fields, txId: e.txId, blockNumber: e.blockNumber, timestamp: p.timestamp },
  }));
}

/** Reads an event id (`Last-Event-ID` or `?after=`), or VALIDATION_FAILED. */
export function parseEventId(v: string): EventPosition {
  const m = /^(\d{1,12})\.(\d{1,6})\.(\d{1,6})$/.exec(v);
  if (!m) throw invalid('Last-Event-ID must be an event id such as 42.0.3');
  return { block: Number(m[1]), k: Number(m[2]), n: Number(m[3]) };
}

/** True when position `p` comes after `after`. */
export function isAfter(p: EventPosition, after: EventPosition): boolean {
  return p.block !== after.block ? p.block > after.block : p.k !== after.k ? p.k > after.k : p.n > after.n;
}

/** Reads `?types=a,b`, or VALIDATION_FAILED naming an unknown type. */
export function parseEventTypes(v: unknown): ReadonlySet<EventType> | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw invalid('types must be a comma-separated list of event types');
  const types = v.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw invalid(`unknown event types: ${unknown.join(', ')}; known: ${EVENT_TYPES.join(', ')}`);
  return new Set(types as EventType[]);
}

/** Whether `viewer` may see `e`: records of a charity by the rule that decides who reads them; others by every member. */
export function visibleTo(viewer: CallerView, e: ApiEvent): boolean {
  return e.charityId === undefined || mayRead(viewer, e.charityId);
}

/**
 * Streams committed changes to `send`, in commit order: after `after` when
 * given (from the ledger's blocks, then live, with no gap and no duplicate),
 * else from the next block on. Returns the function that stops it.
 */
export async function streamEvents(
  ctx: DomainContext,
  options: { viewer: CallerView; after?: EventPosition; types?: ReadonlySet<EventType> },
  send: (e: ApiEvent) => void,
): Promise<() => void> {
  const { viewer, after, types } = options;
  const fromBlock = after ? after.block : await ctx.ledger.height();
  let block = -1;
  let k = 0;
  return ctx.ledger.subscribe(
    (le) => {
      if (le.blockNumber !== block) {
        block = le.blockNumber;
        k = 0;
      } else {
        k++;
      }
      for (const e of apiEventsOf(le, k)) {
        if (after && !isAfter(e.position, after)) continue;
        if (types && !types.has(e.type)) continue;
        if (visibleTo(viewer, e)) send(e);
      }
    },
    { fromBlock },
  );
}
