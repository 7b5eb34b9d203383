import { Router } from 'express';
import type { EventStream } from '../domain/context';
import { parseEventId, parseEventTypes, streamEvents, type ApiEvent } from '../domain/events';
import { principalOf } from './auth';
import { h, type RouteDeps } from './handler';
import { sendProblem } from './problem';

/** How often a comment keeps idle connections (and the proxies between) open. */
export const HEARTBEAT_MS = 15_000;
/** What a 429 asks a client to wait: a slot frees only when another stream closes, which the gateway cannot foresee. */
export const RETRY_AFTER_SECONDS = 10;

/** One event in the text/event-stream format. */
const format = (e: ApiEvent): string => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;

function streamsOf(streams: ReadonlySet<EventStream>, owner: string): number {
  let n = 0;
  for (const s of streams) if (s.owner === owner) n++;
  return n;
}

/**
 * `GET /api/v1/events`: committed ledger changes as Server-Sent Events, for
 * any logged-in member, each seeing what its role may read. `Last-Event-ID`
 * (or `?after=`) resumes after an event with no gap and no duplicate, also
 * across a restart of the gateway; `?types=a,b` filters.
 *
 * Each stream holds a socket and a ledger subscription, and a replay reads
 * the ledger, so streams are bounded per user and per gateway (429 past
 * either). Writes follow the client: past the socket's high-water mark the
 * stream reads no further until the socket drains, and a client that takes
 * nothing for `EVENTS_STALL_TIMEOUT_MS` is disconnected, to resume later.
 */
export function eventRoutes({ ctx, authed }: Pick<RouteDeps, 'ctx' | 'authed'>): Router {
  const r = Router();
  const { maxStreams, maxStreamsPerUser, stallTimeoutMs } = ctx.config.events;
  r.get('/events', authed, h(async (req, res) => {
    const resume = req.get('last-event-id') ?? (typeof req.query.after === 'string' && req.query.after !== '' ? req.query.after : undefined);
    const after = resume === undefined ? undefined : parseEventId(resume);
    const types = parseEventTypes(req.query.types);
    const viewer = principalOf(res);
    const owner = `${viewer.org}:${viewer.sub}`;
    const streams = ctx.state.eventStreams;
    const retry = { retryAfterSeconds: RETRY_AFTER_SECONDS };
    if (streams.size >= maxStreams) {
      ctx.metrics.eventStreamRefused('gateway');
      return sendProblem(res, 'RATE_LIMITED', `this gateway serves at most ${maxStreams} event streams at a time; try again later`, retry);
    }
    if (streamsOf(streams, owner) >= maxStreamsPerUser) {
      ctx.metrics.eventStreamRefused('user');
      return sendProblem(res, 'RATE_LIMITED', `at most ${maxStreamsPerUser} event streams per user at a time; close one or try again later`, retry);
    }
    res.status(200);
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const stream: EventStream = { owner, started: Date.now(), bufferedBytes: () => res.writableLength };
    streams.add(stream);
    ctx.metrics.setEventSubscribers(streams.size);
    let stop: (() => void) | undefined;
    let closed = false;
    let drained: (() => void) | undefined;
    let stalled: NodeJS.Timeout | undefined;
    const resumeWriting = (): void => {
      clearTimeout(stalled);
      const wake = drained;
      drained = undefined;
      wake?.();
    };
    // A heartbeat is only for an idle stream; one waiting for its client has data on the way already.
    const heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    res.on('drain', resumeWriting);
    // The response closes when the client goes away; the request would close as soon as it was read.
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      stop?.();
      resumeWriting();
      streams.delete(stream);
      ctx.metrics.setEventSubscribers(streams.size);
    });
    /** Writes one event; past the high-water mark, the promise of a drain (or of the end of the stream). */
    const send = (e: ApiEvent): Promise<void> | undefined => {
      if (closed || res.write(format(e))) return undefined;
      return new Promise<void>((resolve) => {
        drained = resolve;
        stalled = setTimeout(() => {
          ctx.metrics.eventStreamStalled();
          res.destroy();
        }, stallTimeoutMs);
      });
    };
    let unsubscribe: () => void;
    try {
      // The stream has started, so a failure can only end it; the client reconnects with Last-Event-ID.
      unsubscribe = await streamEvents(ctx, { viewer, after, types }, send, () => res.end());
    } catch {
      res.end();
      return;
    }
    if (closed) unsubscribe();
    else stop = unsubscribe;
  }));
  return r;
}
