import http from 'node:http';
import { parseSse, type SseEvent } from '../../cli/events';

export type { SseEvent };

/** A live SSE connection whose events are collected as they arrive. */
export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Resolves once `count` events match, or rejects after `timeoutMs`. */
  waitFor(match: (e: SseEvent) => boolean, count?: number, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

/** Opens `GET url` as an event stream with Node's fetch and parses it with the civic CLI's parser. */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          const parsed = parseSse(buf);
          buf = parsed.rest;
          for (const e of parsed.events) {
            events.push(e);
            for (const w of waiters) w();
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
  }
  return {
    status: res.status,
    events,
    waitFor(match, count = 1, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.filter(match);
          if (found.length < count) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`only ${events.filter(match).length} of ${count} matching events within ${timeoutMs} ms; saw ${events.map((e) => e.event).join(', ')}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => abort.abort(),
  };
}

/** An event stream whose client takes nothing until told to, as a stuck or malicious client would. */
export interface StuckSseStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Starts reading: everything the gateway sent before it closed the connection, as the events that arrived whole. */
  drain(): Promise<SseEvent[]>;
  close(): void;
}

/**
 * Opens `GET path` as an event stream over `socketPath` (a Unix socket the
 * gateway listens on) and stops reading as soon as the headers are in. Over a
 * Unix socket the kernel holds some 200 KB for a reader that reads nothing;
 * over loopback TCP it grows to megabytes, which would hide how much the
 * gateway itself buffers until the ledger were far larger.
 */
export function openStuckSse(socketPath: string, path: string, headers: Record<string, string>): Promise<StuckSseStream> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      res.pause();
      // A connection the gateway broke off ends with 'aborted' and an error; what came before it counts.
      res.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        drain: () =>
          new Promise((done) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.once('close', () => done(parseSse(Buffer.concat(chunks).toString('utf8')).events));
            res.resume();
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}
