import { mayRead, mayReadSome, type CallerView } from '../../../chaincode/src/charity-access';
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

/** Which API events each chaincode event can announce. */
const TYPES_OF: Readonly<Record<string, readonly EventType[]>> = {
  [EVENTS.certificateIssued]: ['certificate.issued'],
  [EVENTS.certificatesIssued]: ['certificate.issued'],
  [EVENTS.certificateStatusChanged]: ['certificate.suspended', 'certificate.reinstated', 'certificate.revoked'],
  [EVENTS.certificateTypeRegistered]: ['certificate-type.registered'],
  [EVENTS.issuerKeyRegistered]: ['issuer-key.rotated'],
  [EVENTS.charityRegistered]: ['charity.registered'],
  [EVENTS.projectCreated]: ['project.created'],
  [EVENTS.donationRecorded]: ['donation.recorded'],
  [EVENTS.donationsImported]: ['donation.recorded'],
  [EVENTS.disbursementRecorded]: ['disbursement.recorded'],
};

/** The types whose records belong to a charity: only those who may read that charity see them. */
const CHARITY_TYPES: ReadonlySet<EventType> = new Set(['project.created', 'donation.recorded', 'disbursement.recorded']);

/**
 * The chaincode events that can give `viewer` an event of `types`. The
 * ledger skips the others before decoding their payloads: a `?types=`
 * filter, and charities' records for a member who may read none of them,
 * cost a replay no more than reading the envelopes.
 */
export function chaincodeEventsFor(viewer: CallerView, types?: ReadonlySet<EventType>): Set<string> {
  const readsCharities = mayReadSome(viewer);
  const wanted = (t: EventType): boolean => (!types || types.has(t)) && (readsCharities || !CHARITY_TYPES.has(t));
  return new Set(Object.keys(TYPES_OF).filter((name) => TYPES_OF[name].some(wanted)));
}

/** Decides, from its type, charity and position alone, whether an API event goes out; the others are never built. */
export type EventFilter = (type: EventType, charityId: string | undefined, position: EventPosition) => boolean;

/**
 * The API events of one chaincode event, the `k`-th of its block: one per
 * record (a batch of 1,000 certificates is 1,000 events), each with the
 * transaction, block and time of the change. Only those `keep` accepts are
 * built.
 */
export function apiEventsOf(e: LedgerEvent, k: number, keep: EventFilter = () => true): ApiEvent[] {
  let p: Payload;
  try {
    p = JSON.parse(e.payload) as Payload;
  } catch {
    return [];
  }
  const out: ApiEvent[] = [];
  recordsOf(e.name, p).forEach(([type, fields], n) => {
    const position = { block: e.blockNumber, k, n };
    const charityId = typeof fields.charityId === 'string' ? fields.charityId : undefined;
    if (!keep(type, charityId, position)) return;
    out.push({
      id: `${e.blockNumber}.${k}.${n}`,
      position,
      type,
      charityId,
      data: { type, ...fields, txId: e.txId, blockNumber: e.blockNumber, timestamp: p.timestamp },
    });
  });
  return out;
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

/** Whether `viewer` may see an event of `charityId`: records of a charity by the rule that decides who reads them; others by every member. */
export function visibleTo(viewer: CallerView, charityId: string | undefined): boolean {
  return charityId === undefined || mayRead(viewer, charityId);
}

/**
 * Streams committed changes to `send`, in commit order: after `after` when
 * given (from the ledger's blocks, then live, with no gap and no duplicate),
 * else from the next block on. While a promise `send` returned is pending,
 * nothing more is sent and the ledger reads no further. Returns the function
 * that stops it; `onError` hears of a failure that ended the stream.
 */
export async function streamEvents(
  ctx: DomainContext,
  options: { viewer: CallerView; after?: EventPosition; types?: ReadonlySet<EventType> },
  send: (e: ApiEvent) => void | Promise<void>,
  onError?: (err: unknown) => void,
): Promise<() => void> {
  const { viewer, after, types } = options;
  const fromBlock = after ? after.block : await ctx.ledger.height();
  const names = chaincodeEventsFor(viewer, types);
  // Nothing this viewer could be sent: no need to read the ledger at all.
  if (names.size === 0) return () => undefined;
  const keep: EventFilter = (type, charityId, position) =>
    (!after || isAfter(position, after)) && (!types || types.has(type)) && visibleTo(viewer, charityId);
  let stopped = false;
  const unsubscribe = ctx.ledger.subscribe(
    async (le) => {
      for (const e of apiEventsOf(le, le.index, keep)) {
        if (stopped) return;
        const wait = send(e);
        if (wait) await wait;
      }
    },
    { fromBlock, names },
    onError,
  );
  return () => {
    stopped = true;
    unsubscribe();
  };
}
