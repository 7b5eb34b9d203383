/** The portal's way to the gateway for the shared import engine (shared/import-engine.ts). */
import type { ImportReply, ImportTransport } from '../../../shared/import-engine';
import { ApiError, request } from './api';
import { sha256Hex } from './hash';

/** True for the page's own abort (the user left it): never retried, never reported as a failure. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/**
 * Posts through the portal's client. Every HTTP answer resolves, refusals
 * included, as a problem body; only "no answer at all" and the page's own
 * abort reject. `redirectOnAuthError` as the client's: a 401 or 403 sends the
 * user to the login page.
 */
export function portalTransport(options: { signal?: AbortSignal; redirectOnAuthError?: boolean } = {}): ImportTransport {
  return {
    async post(path, body, headers): Promise<ImportReply> {
      try {
        const res = await request('POST', path, { body, headers, signal: options.signal, redirectOnAuthError: options.redirectOnAuthError });
        return { status: res.status, body: (await res.json()) as unknown, replayed: res.headers.get('Idempotent-Replayed') === 'true' };
      } catch (err) {
        if (err instanceof ApiError && err.status !== 0) return { status: err.status, body: { code: err.code, detail: err.detail }, replayed: false };
        throw err;
      }
    },
    sha256Hex: (text) => sha256Hex(text),
    isAbort,
  };
}

/** A refusal the engine reported, as the portal's error, for the pages that word it. */
export function errorOfReply(reply: ImportReply): ApiError {
  const b = (reply.body ?? {}) as { code?: unknown; detail?: unknown };
  return new ApiError(reply.status, typeof b.code === 'string' ? b.code : `HTTP_${reply.status}`, typeof b.detail === 'string' ? b.detail : '');
}
