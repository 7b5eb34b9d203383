/**
 * The chunked import engine: the one way rows of a file become batch
 * requests, for `civic certificates import`, `civic donations import` and the
 * portal's two importers. It knows nothing of files, terminals or pages: it
 * sends, through a transport the caller gives it, and reports what became of
 * every row.
 *
 * Re-running the same file writes nothing twice:
 * - each chunk's Idempotency-Key comes from the caller's key base (file hash,
 *   scope, chunk size), the chunk's position and its ids, so a chunk that
 *   committed before an interruption is answered from the gateway's store;
 * - a chunk refused with DUPLICATE_ID (committed under another key, or the
 *   chunks were cut differently) is compared with the ledger (`comparePath`):
 *   a row counts as already written only when the record under its id says
 *   what the row says; a record that says something else is reported with the
 *   fields that differ; only rows with no record are sent again.
 *
 * Which answers are worth repeating comes from the error catalogue alone
 * (`mayRetry`), plus a dropped connection and any 5xx.
 */
import { isErrorCode, mayRetry } from '../chaincode/src/errors';

/** An HTTP answer as the engine needs it. */
export interface ImportReply {
  status: number;
  /** The parsed JSON body (a problem document for a refusal), if any. */
  body: unknown;
  /** True when the gateway answered from its idempotency store (`Idempotent-Replayed: true`). */
  replayed: boolean;
}

/** How the engine reaches the gateway: the CLI's and the portal's own HTTP clients. */
export interface ImportTransport {
  /**
   * POSTs a JSON body and resolves with whatever the gateway answered. It
   * rejects only when no answer came (the gateway is unreachable), or with the
   * caller's own abort, which the engine passes on without retrying.
   */
  post(path: string, body: unknown, headers: Record<string, string>): Promise<ImportReply>;
  sha256Hex(text: string): Promise<string>;
  /** Waits between retries; a test or a page may shorten it. */
  sleep?(ms: number): Promise<void>;
  /** True for a rejection that is the caller stopping, never to be retried. */
  isAbort?(err: unknown): boolean;
}

/** A row ready to send: its line in the file, its id, and the batch item it becomes. */
export interface ImportRow {
  line: number;
  id: string;
  item: Record<string, unknown>;
}

/** What became of one row. */
export type RowOutcome =
  /** Written by this run; `answer` is its item of the batch answer, if the gateway sent one. */
  | { line: number; id: string; state: 'written'; answer?: Record<string, unknown> }
  /**
   * On the ledger already, saying what the row says: by an earlier run
   * (`replayed`), or found by comparison. `unverified` names fields the
   * ledger could not compare (records older than what they are compared by);
   * `answer` is its item of a replayed batch answer.
   */
  | { line: number; id: string; state: 'already'; unverified?: string[]; answer?: Record<string, unknown> }
  /** The ledger holds another record under this id; `differs` names the fields that differ. Not written. */
  | { line: number; id: string; state: 'different'; differs: string[] }
  /**
   * The gateway refused the row's chunk (`phase: 'batch'`) or the comparison
   * of its rows (`phase: 'compare'`); `index` is the row's position in the
   * body that was refused, so a caller can place a problem that points at one
   * item.
   */
  | { line: number; id: string; state: 'refused'; phase: 'batch' | 'compare'; reply: ImportReply; index: number }
  /** No answer came after every retry. */
  | { line: number; id: string; state: 'unreachable'; error: unknown };

/** One import run. */
export interface ImportPlan {
  /** The batch endpoint, e.g. `/api/v1/certificates/batch`. */
  batchPath: string;
  /** The endpoint that compares batch items with the records under their ids, e.g. `/api/v1/certificates/compare`. */
  comparePath: string;
  /** What tells this run's chunks apart from any other run's: tool, kind, scope, file hash, chunk size. */
  keyBase: string;
  /** Rows per batch request (the API takes at most 1000). */
  chunkSize: number;
  rows: readonly ImportRow[];
  /**
   * Ids an earlier run reported written (the CLI's `--out`). They are
   * compared with the ledger before anything is sent; a chunk whose rows are
   * all confirmed is not sent again.
   */
  known?: ReadonlySet<string>;
  /** Repeats of one request after a transient answer (default 4), with doubling pauses from `backoffMs` (default 250). */
  retries?: number;
  backoffMs?: number;
  /**
   * Called with every row's outcome, chunk by chunk (`chunk` counts from 0;
   * -1 for the comparison of `known` rows when it is refused), in file order
   * within a chunk. Throwing stops the run.
   */
  onChunk(outcomes: RowOutcome[], chunk: number): void | Promise<void>;
  /** True once the caller wants to stop: the run ends after the request in flight. */
  stopped?(): boolean;
}

/** Rows per comparison request: the gateway's limit. */
export const COMPARE_CHUNK = 1000;

/** How the gateway compared one item with the record under its id. */
interface Comparison {
  id: string;
  state: 'absent' | 'same' | 'different';
  differs?: string[];
  unverified?: string[];
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The stable code of a problem answer, if it carries one. */
export function problemCode(reply: ImportReply): string | undefined {
  const code = (reply.body as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True for an answer that leaves nothing written and may pass when sent again
 * with the same key: the catalogue decides for a code it knows (so a chaincode
 * bug, INTERNAL, is not repeated); an answer without one (a proxy's 502) is
 * repeated when it is a 5xx.
 */
export function isTransient(reply: ImportReply): boolean {
  const code = problemCode(reply);
  if (code !== undefined && isErrorCode(code)) return mayRetry(code);
  return reply.status >= 500;
}

/** Sends the plan's rows and reports every row's outcome through `onChunk`. */
export async function runChunkedImport(transport: ImportTransport, plan: ImportPlan): Promise<void> {
  const retries = plan.retries ?? 4;
  const backoff = plan.backoffMs ?? 250;
  const sleep = (ms: number): Promise<void> => (transport.sleep ? transport.sleep(ms) : wait(ms));
  const stopped = (): boolean => plan.stopped?.() ?? false;

  /** POSTs, repeating transient answers and dropped connections; the idempotency key, if any, makes that safe. */
  const send = async (path: string, body: unknown, headers: Record<string, string>): Promise<ImportReply> => {
    for (let attempt = 0; ; attempt++) {
      let reply: ImportReply;
      try {
        reply = await transport.post(path, body, headers);
      } catch (err) {
        if (transport.isAbort?.(err) || attempt >= retries || stopped()) throw err;
        await sleep(backoff * 2 ** attempt);
        continue;
      }
      if (!isTransient(reply) || attempt >= retries || stopped()) return reply;
      await sleep(backoff * 2 ** attempt);
    }
  };

  /** The gateway's comparison of each row, in row order, or the refusal of the comparison. */
  const compare = async (rows: readonly ImportRow[]): Promise<Comparison[] | { refused: ImportReply; from: number }> => {
    const out: Comparison[] = [];
    for (let i = 0; i < rows.length; i += COMPARE_CHUNK) {
      const chunk = rows.slice(i, i + COMPARE_CHUNK);
      const reply = await send(plan.comparePath, { items: chunk.map((r) => r.item) }, {});
      if (reply.status !== 200) return { refused: reply, from: i };
      const items = (reply.body as { items?: unknown } | null | undefined)?.items;
      if (!Array.isArray(items) || items.length !== chunk.length || chunk.some((row, k) => (items[k] as Comparison | undefined)?.id !== row.id)) {
        // An answer about other rows than asked is no answer: treat it as a refusal of the comparison.
        return { refused: { status: 502, body: { code: 'LEDGER_UNAVAILABLE', detail: `the comparison answered for other rows than the ${chunk.length} asked about` }, replayed: false }, from: i };
      }
      out.push(...(items as Comparison[]));
    }
    return out;
  };

  const outcomeOf = (row: ImportRow, c: Comparison): RowOutcome | undefined => {
    if (c.state === 'same') return { line: row.line, id: row.id, state: 'already', ...(c.unverified && c.unverified.length > 0 ? { unverified: c.unverified } : {}) };
    if (c.state === 'different') return { line: row.line, id: row.id, state: 'different', differs: c.differs ?? [] };
    return undefined;
  };

  // Rows an earlier run reported: confirmed by the ledger, or set apart.
  const confirmed = new Map<string, RowOutcome>();
  const knownRows = plan.known ? plan.rows.filter((r) => plan.known?.has(r.id)) : [];
  if (knownRows.length > 0) {
    const answers = await compare(knownRows);
    if (!Array.isArray(answers)) {
      await plan.onChunk(knownRows.map((row, index) => ({ line: row.line, id: row.id, state: 'refused', phase: 'compare', reply: answers.refused, index })), -1);
      return;
    }
    knownRows.forEach((row, i) => {
      const o = outcomeOf(row, answers[i]);
      if (o) confirmed.set(row.id, o);
    });
  }

  const sendChunk = async (chunk: readonly ImportRow[], index: number): Promise<RowOutcome[]> => {
    const outcomes: RowOutcome[] = [];
    let pending = chunk;
    let key = `${plan.keyBase}:${index}:${(await transport.sha256Hex(chunk.map((r) => r.id).join('\n'))).slice(0, 16)}`;
    for (let round = 0; pending.length > 0; round++) {
      let reply: ImportReply;
      try {
        reply = await send(plan.batchPath, { items: pending.map((r) => r.item) }, { 'Idempotency-Key': key });
      } catch (err) {
        if (transport.isAbort?.(err)) throw err;
        for (const r of pending) outcomes.push({ line: r.line, id: r.id, state: 'unreachable', error: err });
        return outcomes;
      }
      if (reply.status === 200 || reply.status === 201) {
        const items = (reply.body as { items?: unknown } | null | undefined)?.items;
        const byId = new Map<string, Record<string, unknown>>();
        if (Array.isArray(items)) for (const it of items as Array<Record<string, unknown>>) byId.set(String(it.id), it);
        for (const r of pending) {
          const earlier = confirmed.get(r.id);
          if (earlier) outcomes.push(earlier);
          else outcomes.push({ line: r.line, id: r.id, state: reply.replayed ? 'already' : 'written', ...(byId.has(r.id) ? { answer: byId.get(r.id) } : {}) });
        }
        return outcomes;
      }
      if (reply.status === 409 && problemCode(reply) === 'DUPLICATE_ID' && round < 3) {
        const answers = await compare(pending);
        if (!Array.isArray(answers)) {
          pending.forEach((r, i) => outcomes.push({ line: r.line, id: r.id, state: 'refused', phase: 'compare', reply: answers.refused, index: i }));
          return outcomes;
        }
        const absent: ImportRow[] = [];
        pending.forEach((r, i) => {
          const o = outcomeOf(r, answers[i]);
          if (o) outcomes.push(o);
          else absent.push(r);
        });
        if (absent.length === pending.length) {
          // Nothing of this chunk is on the ledger, yet an id is taken: the refusal stands.
          pending.forEach((r, i) => outcomes.push({ line: r.line, id: r.id, state: 'refused', phase: 'batch', reply, index: i }));
          return outcomes;
        }
        pending = absent;
        // A smaller body under the first key would be refused as a different request.
        key = `${plan.keyBase}:${index}:rest-${(await transport.sha256Hex(pending.map((r) => r.id).join('\n'))).slice(0, 16)}`;
        continue;
      }
      pending.forEach((r, i) => outcomes.push({ line: r.line, id: r.id, state: 'refused', phase: 'batch', reply, index: i }));
      return outcomes;
    }
    return outcomes;
  };

  for (let start = 0, index = 0; start < plan.rows.length; start += plan.chunkSize, index++) {
    if (stopped()) return;
    const slice = plan.rows.slice(start, start + plan.chunkSize);
    const settled: RowOutcome[] = [];
    const toSend = slice.filter((r) => {
      const o = confirmed.get(r.id);
      if (o?.state === 'different') settled.push(o);
      return o?.state !== 'different';
    });
    let outcomes: RowOutcome[];
    if (toSend.length === 0) outcomes = [];
    else if (toSend.every((r) => confirmed.has(r.id))) outcomes = toSend.map((r) => confirmed.get(r.id) as RowOutcome);
    else outcomes = await sendChunk(toSend, index);
    const all = [...settled, ...outcomes].sort((a, b) => a.line - b.line);
    await plan.onChunk(all, index);
  }
}
