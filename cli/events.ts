import type { Command } from 'commander';
import { Api, UnreachableError } from './api';
import { connectionOf } from './common';
import { CliError, EXIT } from './errors';

/** One server-sent event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into events by the WHATWG rules: `field: value`
 * lines, one optional space after the colon, `data` lines joined with "\n",
 * comments (lines starting with ':') ignored, a blank line dispatching the
 * event. Returns the events and the unfinished tail to prepend to the next chunk.
 */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string; retry?: number } {
  const events: SseEvent[] = [];
  let retry: number | undefined;
  const lines = buffer.split(/\r\n|\r|\n/);
  // The last piece has no line end yet; with a complete buffer it is ''.
  const rest = lines.pop() ?? '';
  let block: string[] = [];
  let consumed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line !== '') {
      block.push(line);
      continue;
    }
    consumed = i + 1;
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const l of block) {
      if (l.startsWith(':')) continue;
      const colon = l.indexOf(':');
      const field = colon < 0 ? l : l.slice(0, colon);
      let value = colon < 0 ? '' : l.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id' && !value.includes('\u0000')) id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
    }
    block = [];
    if (data.length > 0 || id !== undefined) events.push({ id, event, data: data.join('\n') });
  }
  // Lines of an event not yet ended by a blank line wait for the next chunk.
  const pending = lines.slice(consumed);
  return { events, rest: pending.length > 0 ? `${pending.join('\n')}\n${rest}` : rest, retry };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `civic events`: tails the ledger's event stream, reconnecting with Last-Event-ID. */
export function eventsCommand(program: Command): void {
  program
    .command('events')
    .description('tail ledger events (GET /api/v1/events, server-sent events); reconnects where it left off')
    .option('--types <a,b>', 'only these event types')
    .option('--json', 'one JSON object per event: {id, event, data}')
    .action(async (opts: { types?: string; json?: boolean }, cmd: Command) => {
      const api = new Api(connectionOf(cmd));
      const token = api.requireToken();
      const types = opts.types?.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const query = types && types.length > 0 ? `?types=${encodeURIComponent(types.join(','))}` : '';
      let lastId: string | undefined;
      let retryMs = 2000;
      let failures = 0;
      for (;;) {
        const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
        if (lastId !== undefined) headers['last-event-id'] = lastId;
        let res: Response;
        try {
          res = await fetch(`${api.base}/api/v1/events${query}`, { headers });
        } catch (err) {
          // Unreachable at the start is a usage problem; later it is a dropped connection worth waiting out.
          if (lastId === undefined && failures === 0) throw new UnreachableError(api.base, (err as Error).message);
          failures++;
          await sleep(retryMs);
          continue;
        }
        if (res.status === 401 || res.status === 403) throw new CliError(`events: the gateway refused the token (HTTP ${res.status})`, EXIT.gateway);
        if (res.status !== 200 || !res.body) throw new CliError(`events: HTTP ${res.status} from ${api.base}/api/v1/events`, EXIT.incomplete);
        failures = 0;
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for await (const chunk of res.body) {
            const parsed = parseSse(buffer + decoder.decode(chunk as Uint8Array, { stream: true }));
            buffer = parsed.rest;
            if (parsed.retry !== undefined) retryMs = parsed.retry;
            for (const e of parsed.events) {
              if (e.id !== undefined) lastId = e.id;
              if (types && types.length > 0 && !types.includes(e.event)) continue;
              if (opts.json) {
                let data: unknown = e.data;
                try {
                  data = JSON.parse(e.data);
                } catch {
                  // Not JSON: keep the text.
                }
                process.stdout.write(`${JSON.stringify({ id: e.id, event: e.event, data })}\n`);
              } else process.stdout.write(`${e.id ?? '-'}  ${e.event}  ${e.data.replace(/\n/g, ' ')}\n`);
            }
          }
        } catch {
          // The stream broke off; reconnect below with Last-Event-ID.
        }
        await sleep(retryMs);
      }
    });
}
