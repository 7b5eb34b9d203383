import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { runChunkedImport, type ImportReply, type ImportRow, type ImportTransport, type RowOutcome } from '../shared/import-engine';
import { Api, describeFailure, problemOf } from './api';
import { PRIVATE_MODE, makePrivate, writeRejects, type CsvFile, type CsvRow } from './csv-file';
import { CliError, EXIT } from './errors';
import { rate, startProgress } from './progress';

/** A row that passed validation, with the item it becomes in a batch request. */
export type GoodRow = ImportRow;

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

/** Retries of one request after a transient answer (a conflict, 429, 503) or a dropped connection. */
const RETRIES = 5;

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

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

/** The gateway through the CLI's client, as the import engine reaches it. */
function transportOf(api: Api): ImportTransport & { post(path: string, body: unknown, headers: Record<string, string>): Promise<ImportReply & { text: string }> } {
  return {
    async post(path, body, headers) {
      const reply = await api.request('POST', path, { body, headers });
      return { status: reply.status, body: reply.body, text: reply.text, replayed: reply.headers.get('idempotent-replayed') === 'true' };
    },
    sha256Hex: (text) => Promise.resolve(sha(text)),
  };
}

/**
 * Sends the good rows in batches through the shared import engine
 * (shared/import-engine.ts) and reports every row as issued, already issued
 * or failed. Interrupted and re-run on the same file, it writes nothing
 * twice (see the engine). "Already issued" is never decided by an id alone:
 * a row counts as done only when the gateway finds that the record under its
 * id says what the row says (holder, type, claims; project, amount, donor).
 * Ids found in `--out` are compared the same way before anything is sent.
 */
export async function runImport(api: Api, spec: ImportSpec, job: ImportJob, opts: { quiet?: boolean } = {}): Promise<ImportSummary> {
  api.requireToken();
  const started = Date.now();
  const failed: RowFailure[] = [...job.failures];
  const warnings: RowFailure[] = [];
  let issued = 0;
  let alreadyIssued = 0;
  if (job.out) await makePrivate(job.out, '--out');
  const known = job.out ? await idsInOut(job.out) : new Set<string>();
  const progress = startProgress(`import ${spec.noun}`, job.totalRows, opts.quiet);
  let settled = failed.length;
  progress.update(settled);

  const onChunk = async (outcomes: RowOutcome[], chunk: number): Promise<void> => {
    const lines: string[] = [];
    for (const o of outcomes) {
      switch (o.state) {
        case 'written':
          issued++;
          if (o.answer !== undefined) lines.push(JSON.stringify({ id: o.id, [spec.outField]: o.answer[spec.outField] }));
          break;
        case 'already':
          alreadyIssued++;
          // A replayed answer still carries what was issued: --out gets it unless it has it.
          if (o.answer !== undefined && !known.has(o.id)) lines.push(JSON.stringify({ id: o.id, [spec.outField]: o.answer[spec.outField] }));
          if (o.unverified) {
            warnings.push({ line: o.line, id: o.id, reason: `${spec.words.already}, but its ${o.unverified.join(', ')} could not be compared: the record was written before the ledger kept what they are compared by` });
          }
          break;
        case 'different': {
          const what = o.differs.length > 0 ? o.differs.join(', ') : 'its content';
          failed.push({ line: o.line, id: o.id, reason: `the ledger already holds a record under this id that differs in ${what}; this row was not ${spec.words.done}` });
          break;
        }
        case 'refused': {
          const r = o.reply as ImportReply & { text?: string };
          if (o.phase === 'compare') {
            if (r.status === 401 || r.status === 403) throw new CliError(`the gateway refused to compare rows with the ledger: ${describeFailure(r)}`, EXIT.gateway);
            if (r.status === 404 && problemOf(r)?.code === 'NOT_FOUND') throw new CliError(`the gateway has no ${spec.comparePath}: it is older than this civic`, EXIT.incomplete);
            throw new CliError(`comparing rows with the ledger: ${describeFailure(r)}`, EXIT.incomplete);
          }
          if (r.status === 401 || r.status === 403) throw new CliError(`the gateway refused the import: ${describeFailure(r)}`, EXIT.gateway);
          failed.push({ line: o.line, id: o.id, reason: `batch ${chunk + 1} refused: ${describeFailure(r)}` });
          break;
        }
        case 'unreachable':
          throw o.error;
      }
    }
    if (job.out && lines.length > 0) await fs.appendFile(job.out, `${lines.join('\n')}\n`, { mode: PRIVATE_MODE });
    if (chunk >= 0) {
      // Every row of a chunk has exactly one outcome.
      settled += outcomes.length;
      progress.update(settled);
    }
  };

  try {
    await runChunkedImport(transportOf(api), {
      batchPath: spec.batchPath,
      comparePath: spec.comparePath,
      keyBase: `civic-import:${spec.noun}:${spec.scope}:${job.fileSha256.slice(0, 32)}:${job.batchSize}`,
      chunkSize: job.batchSize,
      rows: job.rows,
      known,
      retries: RETRIES,
      backoffMs: 250,
      onChunk,
    });
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  failed.sort((a, b) => a.line - b.line);
  return {
    issued,
    alreadyIssued,
    failed,
    warnings: warnings.sort((a, b) => a.line - b.line),
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
