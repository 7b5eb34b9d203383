import { Router } from 'express';
import { parseEventId, parseEventTypes, streamEvents } from '../domain/events';
import { principalOf } from './auth';
import { h, type RouteDeps } from './handler';

/** How often a comment keeps idle connections (and the proxies between) open. */
export const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/events`: committed ledger changes as Server-Sent Events, for
 * any logged-in member, each seeing what its role may read. `Last-Event-ID`
 * (or `?after=`) resumes after an event with no gap and no duplicate, also
 * across a restart of the gateway; `?types=a,b` filters.
 */
export function eventRoutes({ ctx, authed }: Pick<RouteDeps, 'ctx' | 'authed'>): Router {
  const r = Router();
  r.get('/events', authed, h(async (req, res) => {
    const resume = req.get('last-event-id') ?? (typeof req.query.after === 'string' && req.query.after !== '' ? req.query.after : undefined);
    const after = resume === undefined ? undefined : parseEventId(resume);
    const types = parseEventTypes(req.query.types);
    res.status(200);
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const stream = { started: Date.now() };
    ctx.state.eventStreams.add(stream);
    ctx.metrics.setEventSubscribers(ctx.state.eventStreams.size);
    let stop: (() => void) | undefined;
    let closed = false;
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    // The response closes when the client goes away; the request would close as soon as it was read.
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      stop?.();
      ctx.state.eventStreams.delete(stream);
      ctx.metrics.setEventSubscribers(ctx.state.eventStreams.size);
    });
    let unsubscribe: () => void;
    try {
      unsubscribe = await streamEvents(ctx, { viewer: principalOf(res), after, types }, (e) => {
        res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
      });
    } catch {
      // The stream has started, so a failure can only end it; the client reconnects with Last-Event-ID.
      res.end();
      return;
    }
    if (closed) unsubscribe();
    else stop = unsubscribe;
  }));
  return r;
}
