import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { Api, describeFailure, problemOf, type ApiReply } from './api';
import { PRIVATE_MODE, makePrivate, writeRejects, type CsvFile, type CsvRow } from './csv-file';
import { CliError, EXIT } from './errors';
import { rate, startProgress } from './progress';

/** A row that passed validation, with the item it becomes in a batch request. */
export interface GoodRow {
  line: number;
  id: string;
  item: Record<string, unknown>;
}

/** A row that will not be (or was not) written, and why. */
export interface RowFailure {
  line: number;
  id?: string;
  reason: string;
}

/** What varies between the certificate and the donation import. */
export interface ImportSpec {
  /** Label for progress and messages, e.g. `certificates`. */
  noun: string;
  /** The batch endpoint, e.g. `/api/v1/certificates/batch`. */
  batchPath: string;
  /**
   * The endpoint that compares batch items with the records under their
   * ids, e.g. `/api/v1/certificates/compare`: only a record that says what
   * the row says counts as already written.
   */
  comparePath: string;
  /** What else, besides the file and batch position, tells two imports apart (the type, the project). */
  scope: string;
  /** The field of a batch answer's item that is written to `--out` next to the id. */
  outField: string;
  /** The words of the summary and the row reports, e.g. `issued` and `already issued`. */
  words: { done: string; already: string };
}

/** The input of one import run. */
export interface ImportJob {
  fileSha256: string;
  rows: GoodRow[];
  failures: RowFailure[];
  totalRows: number;
  batchSize: number;
  out?: string;
}

/** How an import ended. `warnings` are rows counted as already written that the ledger could not fully confirm. */
export interface ImportSummary {
  issued: number;
  alreadyIssued: number;
  failed: RowFailure[];
  warnings: RowFailure[];
  seconds: number;
  rowsPerSecond: number;
}

/** How the gateway compared one row with the record under its id (`POST …/compare`). */
interface Comparison {
  id: string;
  state: 'absent' | 'same' | 'different';
  differs?: string[];
  unverified?: string[];
}

/** Retries of one request after a transient answer (a conflict, 429, 503) or a dropped connection. */
const RETRIES = 5;
/** Rows per comparison request: the gateway's limit. */
const COMPARE_CHUNK = 1000;
/** Answers worth repeating with the same idempotency key: nothing was written. */
const TRANSIENT = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT', 'LEDGER_UNAVAILABLE', 'RATE_LIMITED', 'ENDORSEMENT_POLICY_FAILURE']);

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Ids already written to `--out` by an earlier run; a torn last line (a kill mid-write) is ignored. */
async function idsInOut(out: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await fs.readFile(out, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw new CliError(`cannot read --out ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    try {
      const v = JSON.parse(line) as { id?: unknown };
      if (typeof v.id === 'string') ids.add(v.id);
    } catch {
      // A torn line from an interrupted run: its row is issued again from the replay or found on the ledger.
    }
  }
  // Appending after a torn line would glue the next record onto it.
  if (text !== '' && !text.endsWith('\n')) await fs.appendFile(out, '\n', { mode: PRIVATE_MODE });
  return ids;
}

/**
 * Sends the good rows in batches and reports every row as issued, already
 * issued or failed. Interrupted and re-run on the same file, it writes
 * nothing twice: each batch's idempotency key is derived from the file's
 * hash, the scope, the batch's position and its ids, so a batch that
 * committed before the interruption is answered from the gateway's
 * idempotency store; a batch refused with DUPLICATE_ID (committed under
 * another key, or the batches were cut differently) is compared with the
 * ledger, and only the rows with no record yet are sent again.
 *
 * "Already issued" is never decided by an id alone: a row counts as done
 * only when the gateway finds that the record under its id says what the
 * row says (holder, type, claims; project, amount, donor). A record that
 * says something else is another person's, and the row is a failure naming
 * the fields that differ. Ids found in `--out` are compared the same way.
 */
export async function runImport(api: Api, spec: ImportSpec, job: ImportJob, opts: { quiet?: boolean } = {}): Promise<ImportSummary> {
  api.requireToken();
  const started = Date.now();
  const failed: RowFailure[] = [...job.failures];
  const warnings = new Map<number, RowFailure>();
  let issued = 0;
  let alreadyIssued = 0;
  if (job.out) await makePrivate(job.out, '--out');
  const written = job.out ? await idsInOut(job.out) : new Set<string>();
  /** Rows the ledger already holds for someone or something else: never sent. */
  const refused = new Set<string>();
  const progress = startProgress(`import ${spec.noun}`, job.totalRows, opts.quiet);
  let settled = failed.length;
  progress.update(settled);

  const baseKey = `civic-import:${spec.noun}:${spec.scope}:${job.fileSha256.slice(0, 32)}:${job.batchSize}`;

  /** POSTs, repeating transient answers (a conflict, 429, 503) and dropped connections; the idempotency key, if any, makes that safe. */
  const send = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiReply> => {
    for (let attempt = 0; ; attempt++) {
      let reply: ApiReply;
      try {
        reply = await api.request('POST', path, { body, headers });
      } catch (err) {
        // The gateway may have gone away mid-import.
        if (attempt >= RETRIES) throw err;
        await sleep(250 * 2 ** attempt);
        continue;
      }
      const code = problemOf(reply)?.code;
      const transient = reply.status >= 500 || (code !== undefined && TRANSIENT.has(code));
      if (!transient || attempt >= RETRIES) return reply;
      await sleep(250 * 2 ** attempt);
    }
  };

  /** The gateway's comparison of each row with the record under its id, in row order. */
  const compare = async (rows: GoodRow[]): Promise<Comparison[]> => {
    const out: Comparison[] = [];
    for (let i = 0; i < rows.length; i += COMPARE_CHUNK) {
      const chunk = rows.slice(i, i + COMPARE_CHUNK);
      const r = await send(spec.comparePath, { items: chunk.map((row) => row.item) });
      if (r.status === 401 || r.status === 403) throw new CliError(`the gateway refused to compare rows with the ledger: ${describeFailure(r)}`, EXIT.gateway);
      if (r.status === 404 && problemOf(r)?.code === 'NOT_FOUND') throw new CliError(`the gateway has no ${spec.comparePath}: it is older than this civic`, EXIT.incomplete);
      if (r.status !== 200) throw new CliError(`comparing rows with the ledger: ${describeFailure(r)}`, EXIT.incomplete);
      const items = (r.body as { items?: unknown } | undefined)?.items;
      if (!Array.isArray(items) || items.length !== chunk.length || chunk.some((row, k) => (items[k] as Comparison | undefined)?.id !== row.id)) {
        throw new CliError(`comparing rows with the ledger: the gateway's answer does not match the ${chunk.length} rows asked about`, EXIT.incomplete);
      }
      out.push(...(items as Comparison[]));
    }
    return out;
  };

  /** Sorts compared rows: "same" is already written, "different" a failure; returns how many were the same, and the "absent" ones, still to send. */
  const settle = (rows: GoodRow[], answers: Comparison[]): { same: number; absent: GoodRow[] } => {
    const absent: GoodRow[] = [];
    let same = 0;
    rows.forEach((row, i) => {
      const a = answers[i];
      if (a.state === 'same') {
        same++;
        if (a.unverified && a.unverified.length > 0) {
          warnings.set(row.line, { line: row.line, id: row.id, reason: `${spec.words.already}, but its ${a.unverified.join(', ')} could not be compared: the record was written before the ledger kept what they are compared by` });
        }
      } else if (a.state === 'different') {
        refused.add(row.id);
        written.delete(row.id);
        const what = a.differs && a.differs.length > 0 ? a.differs.join(', ') : 'its content';
        failed.push({ line: row.line, id: row.id, reason: `the ledger already holds a record under this id that differs in ${what}; this row was not ${spec.words.done}` });
      } else {
        written.delete(row.id);
        absent.push(row);
      }
    });
    return { same, absent };
  };

  const sendBatch = async (batch: GoodRow[], index: number): Promise<void> => {
    let pending = batch;
    // The ids name the batch too: rows refused since an earlier run make another body, which must not reuse its key.
    let key = `${baseKey}:${index}:${sha(batch.map((r) => r.id).join('\n')).slice(0, 16)}`;
    for (let round = 0; ; round++) {
      const reply = await send(spec.batchPath, { items: pending.map((r) => r.item) }, { 'idempotency-key': key });
      if (reply.status === 200 || reply.status === 201) {
        const items = (reply.body as { items?: Array<Record<string, unknown>> } | undefined)?.items ?? [];
        const byId = new Map(items.map((it) => [String(it.id), it]));
        const lines: string[] = [];
        for (const row of pending) {
          const answer = byId.get(row.id);
          if (written.has(row.id)) {
            alreadyIssued++;
            continue;
          }
          issued++;
          if (answer !== undefined) lines.push(JSON.stringify({ id: row.id, [spec.outField]: answer[spec.outField] }));
        }
        if (job.out && lines.length > 0) await fs.appendFile(job.out, `${lines.join('\n')}\n`, { mode: PRIVATE_MODE });
        return;
      }
      if (reply.status === 401 || reply.status === 403) throw new CliError(`the gateway refused the import: ${describeFailure(reply)}`, EXIT.gateway);
      if (reply.status === 409 && problemOf(reply)?.code === 'DUPLICATE_ID' && round < 3) {
        const sorted = settle(pending, await compare(pending));
        alreadyIssued += sorted.same;
        pending = sorted.absent;
        if (pending.length === 0) return;
        // A smaller body under the first key would be refused as a different request.
        key = `${baseKey}:${index}:rest-${sha(pending.map((r) => r.id).join('\n')).slice(0, 16)}`;
        continue;
      }
      const reason = describeFailure(reply);
      for (const row of pending) failed.push({ line: row.line, id: row.id, reason: `batch ${index + 1} refused: ${reason}` });
      return;
    }
  };

  try {
    // --out says what an earlier run wrote; the ledger confirms each row before it counts as done.
    const fromOut = job.rows.filter((r) => written.has(r.id));
    if (fromOut.length > 0) settle(fromOut, await compare(fromOut));
    for (let i = 0, index = 0; i < job.rows.length; i += job.batchSize, index++) {
      const slice = job.rows.slice(i, i + job.batchSize);
      const batch = slice.filter((r) => !refused.has(r.id));
      if (batch.every((r) => written.has(r.id))) {
        alreadyIssued += batch.length;
      } else {
        await sendBatch(batch, index);
      }
      settled += slice.length;
      progress.update(settled);
    }
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  failed.sort((a, b) => a.line - b.line);
  return {
    issued,
    alreadyIssued,
    failed,
    warnings: [...warnings.values()].sort((a, b) => a.line - b.line),
    seconds,
    rowsPerSecond: Number(rate(issued + alreadyIssued, started)),
  };
}

/**
 * Prints each failed row and each warning on stderr and the summary line on
 * stdout; returns the exit code: 0 when every row is on the ledger (with
 * warnings or not), 1 otherwise.
 */
export function reportImport(summary: ImportSummary, words: { done: string; already: string }): number {
  const where = (f: RowFailure): string => `line ${f.line}${f.id ? ` (id ${f.id})` : ''}`;
  for (const f of summary.failed) console.error(`${where(f)}: ${f.reason}`);
  for (const w of summary.warnings) console.error(`${where(w)}: warning: ${w.reason}`);
  console.log(
    `${words.done} ${summary.issued}, ${words.already} ${summary.alreadyIssued}, failed ${summary.failed.length}` +
      ` in ${summary.seconds.toFixed(1)} s (${summary.rowsPerSecond} rows/s)`,
  );
  return summary.failed.length === 0 ? EXIT.ok : EXIT.incomplete;
}

/** Marks the later rows of a repeated id as failures: a batch with both would be refused whole. */
export function dropRepeatedIds(rows: GoodRow[], failures: RowFailure[]): GoodRow[] {
  const first = new Map<string, number>();
  return rows.filter((r) => {
    const at = first.get(r.id);
    if (at === undefined) {
      first.set(r.id, r.line);
      return true;
    }
    failures.push({ line: r.line, id: r.id, reason: `id ${r.id} already appears on line ${at}` });
    return false;
  });
}

/**
 * The whole of an import once the file is read: prepare every row (bad rows
 * become failures with their line), keep the first row of each id, send the
 * rest in batches, write the rejects when asked, print the summary; returns
 * the exit code.
 */
export async function importRows(
  api: Api,
  csv: CsvFile,
  prepare: (row: CsvRow) => GoodRow | RowFailure,
  spec: ImportSpec,
  opts: { batch: number; out?: string; quiet?: boolean; rejects?: string },
): Promise<number> {
  // Said once, so a clerk who meant to save UTF-8 knows which reading the names came from.
  if (csv.encoding === 'gb18030' && !opts.quiet) console.error('note: the file is not UTF-8; read it as GB 18030 (GBK)');
  const failures: RowFailure[] = [];
  const prepared: GoodRow[] = [];
  for (const row of csv.rows) {
    const r = prepare(row);
    if ('item' in r) prepared.push(r);
    else failures.push(r);
  }
  const rows = dropRepeatedIds(prepared, failures);
  const summary = await runImport(api, spec, { fileSha256: csv.sha256, rows, failures, totalRows: csv.rows.length, batchSize: opts.batch, out: opts.out }, { quiet: opts.quiet });
  if (opts.rejects && summary.failed.length > 0) await writeRejects(opts.rejects, csv, summary.failed);
  return reportImport(summary, spec.words);
}
