import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { Api, describeFailure, problemOf, seg, type ApiReply } from './api';
import { writeRejects, type CsvFile, type CsvRow } from './csv-file';
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
  /** The record endpoint of one id; 200 means it is on the ledger. */
  recordPath: (id: string) => string;
  /** What else, besides the file and batch position, tells two imports apart (the type, the project). */
  scope: string;
  /** The field of a batch answer's item that is written to `--out` next to the id. */
  outField: string;
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

/** How an import ended. */
export interface ImportSummary {
  issued: number;
  alreadyIssued: number;
  failed: RowFailure[];
  seconds: number;
  rowsPerSecond: number;
}

/** Retries of one request after a transient answer (a conflict, 429, 503) or a dropped connection. */
const RETRIES = 5;
/** Parallel record lookups while sorting out which ids of a batch are on the ledger. */
const LOOKUP_CONCURRENCY = 16;
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
  if (text !== '' && !text.endsWith('\n')) await fs.appendFile(out, '\n');
  return ids;
}

/**
 * Sends the good rows in batches and reports every row as issued, already
 * issued or failed. Interrupted and re-run on the same file, it writes
 * nothing twice: each batch's idempotency key is derived from the file's
 * hash, the scope and the batch's position, so a batch that committed before
 * the interruption is answered from the gateway's idempotency store; a batch
 * refused with DUPLICATE_ID (committed under another key, or the batches were
 * cut differently) is split into the ids already on the ledger and the rest,
 * and only the rest is sent.
 */
export async function runImport(api: Api, spec: ImportSpec, job: ImportJob, opts: { quiet?: boolean } = {}): Promise<ImportSummary> {
  api.requireToken();
  const started = Date.now();
  const failed: RowFailure[] = [...job.failures];
  let issued = 0;
  let alreadyIssued = 0;
  const written = job.out ? await idsInOut(job.out) : new Set<string>();
  const progress = startProgress(`import ${spec.noun}`, job.totalRows, opts.quiet);
  let settled = failed.length;
  progress.update(settled);

  const baseKey = `civic-import:${spec.noun}:${spec.scope}:${job.fileSha256.slice(0, 32)}:${job.batchSize}`;

  const post = async (rows: GoodRow[], key: string): Promise<ApiReply> => {
    for (let attempt = 0; ; attempt++) {
      let reply: ApiReply;
      try {
        reply = await api.request('POST', spec.batchPath, { body: { items: rows.map((r) => r.item) }, headers: { 'idempotency-key': key } });
      } catch (err) {
        // The gateway may have gone away mid-import; the same key makes a retry safe.
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

  const onLedger = async (rows: GoodRow[]): Promise<Set<string>> => {
    const found = new Set<string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++];
        const r = await api.request('GET', spec.recordPath(seg(row.id)));
        if (r.status === 200) found.add(row.id);
        else if (r.status !== 404) throw new CliError(`looking up ${row.id}: ${describeFailure(r)}`, r.status === 401 || r.status === 403 ? EXIT.gateway : EXIT.incomplete);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, rows.length) }, worker));
    return found;
  };

  const sendBatch = async (batch: GoodRow[], index: number): Promise<void> => {
    let pending = batch;
    let key = `${baseKey}:${index}`;
    for (let round = 0; ; round++) {
      const reply = await post(pending, key);
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
        if (job.out && lines.length > 0) await fs.appendFile(job.out, `${lines.join('\n')}\n`);
        return;
      }
      if (reply.status === 401 || reply.status === 403) throw new CliError(`the gateway refused the import: ${describeFailure(reply)}`, EXIT.gateway);
      if (reply.status === 409 && problemOf(reply)?.code === 'DUPLICATE_ID' && round < 3) {
        const existing = await onLedger(pending);
        alreadyIssued += existing.size;
        pending = pending.filter((r) => !existing.has(r.id));
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
    for (let i = 0, index = 0; i < job.rows.length; i += job.batchSize, index++) {
      const batch = job.rows.slice(i, i + job.batchSize);
      if (batch.every((r) => written.has(r.id))) {
        alreadyIssued += batch.length;
      } else {
        await sendBatch(batch, index);
      }
      settled += batch.length;
      progress.update(settled);
    }
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  failed.sort((a, b) => a.line - b.line);
  return { issued, alreadyIssued, failed, seconds, rowsPerSecond: Number(rate(issued + alreadyIssued, started)) };
}

/**
 * Prints each failed row on stderr and the summary line on stdout; returns
 * the exit code: 0 when every row is on the ledger, 1 otherwise.
 */
export function reportImport(summary: ImportSummary, words: { done: string; already: string }): number {
  for (const f of summary.failed) console.error(`line ${f.line}${f.id ? ` (id ${f.id})` : ''}: ${f.reason}`);
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
  words: { done: string; already: string },
): Promise<number> {
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
  return reportImport(summary, words);
}
