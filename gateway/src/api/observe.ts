import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../observability/logger';
import { secondsSince, type ServiceMetrics } from '../observability/metrics';
import type { DomainContext } from '../domain/context';
import { sendProblem } from './problem';

/** A client's request id is echoed and logged only when it is this tame: it ends up in log lines and dashboards. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route label of a request that matched no route: one label, so that probes of random paths add no series. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** The route label of the portal's pages, whatever their client-side path (which may hold an id). */
export const PORTAL_ROUTE = '(portal)';

/** Probes and scrapes arrive every few seconds; their lines are debug so that info shows the traffic that matters. */
const PROBE_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** What {@link observeRequests} keeps about a request until it is answered. */
interface Observed {
  route?: string;
  txId?: string;
}

/**
 * Keeps the full route pattern (mount path plus the route's own path) of the
 * route that matched. The router sets `req.route` as it matches, while
 * `req.baseUrl` still holds the mount path; by the time the response
 * finishes, an error may have left the sub-router and reset `baseUrl`, so
 * the pattern is read at the moment of matching.
 */
function trackRoute(req: Request, seen: Observed): void {
  let current: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (route: unknown) => {
      current = route;
      const path = (route as { path?: unknown } | undefined)?.path;
      seen.route = typeof path === 'string' ? `${req.baseUrl}${path}` : '(pattern)';
    },
  });
}

/**
 * Gives each request an id (the client's `X-Request-Id` when sane, sent back
 * either way), and when it is answered logs one line and observes its
 * duration. The line names the route pattern, never the raw path, and no
 * headers or bodies: paths, headers and bodies carry IDs, names and tokens.
 */
export function observeRequests(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const given = req.get('x-request-id');
    const reqId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.reqId = reqId;
    res.set('X-Request-Id', reqId);
    const seen: Observed = {};
    trackRoute(req, seen);
    // The txId of a write is in its JSON answer; idempotent replays bypass res.json and log none, as they wrote nothing.
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const txId = (body as { txId?: unknown } | null)?.txId;
      if (typeof txId === 'string') seen.txId = txId;
      return json(body);
    };
    res.once('close', () => {
      const label: unknown = res.locals.routeLabel;
      const route = seen.route ?? (typeof label === 'string' ? label : UNMATCHED_ROUTE);
      const seconds = secondsSince(started);
      metrics.observeRequest(req.method, route, res.statusCode, seconds);
      const line = {
        reqId,
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 10_000) / 10,
        ...(seen.txId ? { txId: seen.txId } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (res.statusCode >= 500) logger.error(line, 'request failed');
      else if (PROBE_ROUTES.has(route)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}

/** SHA-256 first, so that the comparison takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `/metrics` in Prometheus text format; with a token configured, only for `Authorization: Bearer <token>`. */
export function metricsHandler(metrics: ServiceMetrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token !== undefined) {
      const m = /^Bearer ([^\s]+)$/i.exec(req.get('authorization') ?? '');
      if (!m || !sameSecret(m[1], token)) return sendProblem(res, 'UNAUTHENTICATED', '/metrics needs the metrics bearer token');
    }
    const text = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(text);
  };
}

/** How long /readyz waits for the ledger: a probe that hangs is worse than one that says no. */
const READY_TIMEOUT_MS = 3000;

/** Rejects when `p` takes longer than `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/readyz`: ready when the ledger answers. The detail of a 503 names no
 * address or port (it is public); the log line has the cause.
 */
export function readinessHandler(ctx: DomainContext, logger: Logger): RequestHandler {
  return async (_req, res: Response) => {
    try {
      const height = await within(ctx.ledger.height(), READY_TIMEOUT_MS);
      res.json({ status: 'ready', ledger: { backend: ctx.ledger.backend, height } });
    } catch (err) {
      logger.warn({ err, reqId: res.locals.reqId as string }, 'readiness: the ledger did not answer');
      sendProblem(res, 'LEDGER_UNAVAILABLE', `the ${ctx.ledger.backend} ledger did not answer`);
    }
  };
}
