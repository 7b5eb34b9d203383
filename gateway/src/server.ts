import express, { type Express, type RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from '../../chaincode/src/codec';
import { CodedError } from '../../chaincode/src/errors';
import type { Authenticator } from './auth/authenticator';
import type { DomainContext } from './domain/context';
import { apiRouter } from './api/routes';
import { errorHandler, sendProblem } from './api/problem';
import type { IdempotencyStore } from './api/idempotency';
import { openApiDocument } from './api/openapi';
import { metricsHandler, observeRequests, readinessHandler } from './api/observe';
import { createLogger, type Logger } from './observability/logger';
import { portalRouter } from './api/portal';
import { portalApiRoutes } from './api/portal-routes';
import type { DevKey } from './auth/dev-key';

/** What the HTTP app is built from. */
export interface ServerDeps {
  ctx: DomainContext;
  authenticate: Authenticator;
  idempotency: IdempotencyStore;
  /** Where request lines and errors go; by default JSON lines on stdout at the configured level. */
  logger?: Logger;
  /** The built portal (default `dist/portal`). */
  webDir?: string;
  /** The development token key (absent with AUTH_JWKS_URL); the portal's demo login signs with it. */
  devKey?: DevKey;
}

/**
 * body-parser's `verify` hook: sees the raw body before `JSON.parse` builds it,
 * so a document nested too deep never reaches the recursive code after it
 * (request hashing, schema validation, canonical JSON, signing).
 */
function refuseDeepJson(_req: IncomingMessage, _res: ServerResponse, body: Buffer, charset: string): void {
  let text: string;
  try {
    text = new TextDecoder(charset).decode(body);
  } catch {
    throw new CodedError('UNSUPPORTED_MEDIA_TYPE', `charset ${charset} is not supported; send UTF-8`);
  }
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new CodedError('VALIDATION_FAILED', `request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

/** The media types the API reads; anything else in a request body is refused with 415. */
const JSON_TYPES = ['application/json', 'application/*+json'];
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * True when the request announces body bytes. An empty `POST` (no
 * Content-Length, or `Content-Length: 0`) carries nothing to type-check, which
 * is how clients call actions such as key rotation.
 */
function carriesBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

/**
 * Answers 415 for a body that is not JSON, before anything reads it; without
 * this, express.json skips such a body and the route reports a missing field.
 */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (BODY_METHODS.has(req.method) && carriesBody(req) && !req.is(JSON_TYPES)) {
    const type = req.get('content-type');
    const got = type ? `'${type.slice(0, 100)}'` : 'no content type';
    return next(new CodedError('UNSUPPORTED_MEDIA_TYPE', `request body must be application/json, got ${got}`));
  }
  next();
};

/** Builds the Express app; it is not listening yet (tests start it on port 0). */
export function createServer(deps: ServerDeps): Express {
  const { ctx } = deps;
  const logger = deps.logger ?? createLogger(ctx.config.logLevel);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // First, so that every answer (a refused body included) carries a request id and is logged and counted.
  app.use(observeRequests(logger, ctx.metrics));
  app.use(requireJsonBody);
  app.use(express.json({ limit: ctx.config.bodyLimitBytes, type: JSON_TYPES, verify: refuseDeepJson }));

  app.get('/healthz', async (_req, res, next) => {
    try {
      res.json({ status: 'ok', ledger: { backend: ctx.ledger.backend, height: await ctx.ledger.height() } });
    } catch (err) {
      next(err);
    }
  });
  app.get('/readyz', readinessHandler(ctx, logger));
  app.get('/metrics', metricsHandler(ctx.metrics, ctx.config.metricsToken));
  app.get('/api/v1/openapi.json', (_req, res) => void res.json(openApiDocument(ctx.config.publicBaseUrl)));
  app.use('/api/v1', portalApiRoutes(ctx, deps.devKey));
  app.use('/api/v1', apiRouter(ctx, deps.authenticate, deps.idempotency));
  app.use(portalRouter(deps.webDir));
  app.use((req, res) => sendProblem(res, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  app.use(errorHandler((msg, err, res) => logger.error({ err, reqId: res?.locals.reqId as string | undefined }, msg)));
  return app;
}
