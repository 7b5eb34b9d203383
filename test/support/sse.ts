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
