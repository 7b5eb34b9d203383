import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { sendProblem } from './problem';
import { PORTAL_ROUTE } from './observe';

/**
 * Where the built portal lives: `dist/portal`, next to the compiled gateway
 * (`dist/gateway/src/api/portal.js` → `dist/portal`).
 */
export const DEFAULT_WEB_DIR = path.resolve(__dirname, '../../../portal');

/**
 * The portal's Content-Security-Policy: everything from this origin only. The
 * QR decoder is WebAssembly (`wasm-unsafe-eval`); the charts set inline style
 * attributes; QR codes and camera frames are data: and blob: URLs.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the API and the probes, never to the portal's client-side routes. */
const NOT_PORTAL = /^\/(api|healthz|readyz|metrics)(\/|$)/;

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set('Content-Security-Policy', PORTAL_CSP);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
  next();
};

/**
 * Serves the single-page portal: its hashed assets (cached for a year), and
 * `index.html` for every other GET that is not an API path, so `/verify`,
 * `/audit/charities/x` and the like load the app, which routes in the browser.
 */
export function portalRouter(webDir: string = DEFAULT_WEB_DIR): Router {
  const r = express.Router();
  const indexFile = path.join(webDir, 'index.html');
  r.use(
    '/assets',
    (_req, res, next) => {
      res.locals.routeLabel = '/assets/*';
      next();
    },
    securityHeaders,
    express.static(path.join(webDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  r.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_PORTAL.test(req.path)) return next();
    res.locals.routeLabel = PORTAL_ROUTE;
    if (!fs.existsSync(indexFile)) {
      return sendProblem(res, 'NOT_FOUND', 'the web portal is not built; run npm run build');
    }
    securityHeaders(req, res, () => {
      res.set('Cache-Control', 'no-cache');
      res.sendFile(indexFile);
    });
  });
  return r;
}
