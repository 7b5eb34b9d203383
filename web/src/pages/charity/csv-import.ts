import Papa from 'papaparse';
import { DONATION_COLUMNS, DONATION_REQUIRED_COLUMNS, donationRowItem, type RowProblem as DonationRowProblem } from '../../../../chaincode/src/donation-rows';
import { FORMULA_START } from '../../../../shared/csv-text';
import { runChunkedImport } from '../../../../shared/import-engine';
import { ApiError } from '../../lib/api';
import { errorOfReply, portalTransport } from '../../lib/import-transport';
import type { MessageKey } from '../../i18n';

/**
 * The columns of `civic donations import` (cli/donations-import.ts), so one
 * file works in both: id, amount in whole fen, idNumber (and idType) or
 * anonymous, receivedAt, channel. Donor names are not taken.
 */
export const REQUIRED_COLUMNS = DONATION_REQUIRED_COLUMNS;
export const ALLOWED_COLUMNS = DONATION_COLUMNS;

/** Rows per request: small enough that the progress bar moves, far below the batch limit of 1000. */
export const CHUNK_SIZE = 100;

/** Why a row cannot be sent, as an i18n key of the charity area with its values. */
export interface RowProblem {
  key: MessageKey;
  values?: Record<string, string>;
}

/** One data row of the file, by its line number (the header is line 1). */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** A row that passed the checks, with the batch item it becomes. */
export interface GoodRow {
  line: number;
  id: string;
  amount: number;
  item: Record<string, unknown>;
}

/** A row that did not pass, with every reason. */
export interface BadRow {
  line: number;
  id: string;
  problems: RowProblem[];
}

/** A parsed and checked file. `fileProblem` set means nothing can be imported (bad header, not CSV). */
export interface CheckedFile {
  columns: string[];
  rows: CsvRow[];
  good: GoodRow[];
  bad: BadRow[];
  fileProblem?: RowProblem;
}

/** Splits CSV text into rows that know their line number (quoted fields may span lines). */
export function readCsv(text: string): { columns: string[]; rows: CsvRow[] } {
  const body = text.replace(/^\ufeff/, '');
  const records: Array<{ line: number; cells: string[] }> = [];
  // A record starts where the previous one ended; its line is 1 + the line breaks before it.
  let previousEnd = 0;
  let counted = 0;
  let line = 1;
  Papa.parse<string[]>(body, {
    header: false,
    skipEmptyLines: false,
    step: (result) => {
      // Papa's cursor stands after the line break that ended the record.
      const start = previousEnd;
      for (let i = counted; i < start; i++) if (body[i] === '\n') line++;
      counted = start;
      previousEnd = result.meta.cursor;
      const cells = result.data;
      if (!(cells.length === 1 && cells[0].trim() === '')) records.push({ line, cells });
    },
  });
  const [header, ...rest] = records;
  const columns = (header?.cells ?? []).map((c) => c.trim());
  const rows = rest.map((r) => ({
    line: r.line,
    values: Object.fromEntries(columns.map((c, i) => [c, (r.cells[i] ?? '').trim()])),
  }));
  return { columns, rows };
}

/** The portal's words for a row problem: its rule as a key of the charity area, with the cell's text. */
function problemOf(p: DonationRowProblem): RowProblem {
  const name = p.rule === 'id' ? 'id' : p.rule === 'amount' ? 'amount' : 'value';
  return { key: `charity.import.problem.${p.rule}`, values: { [name]: p.value } };
}

function checkRow(projectId: string, row: CsvRow, now: string): GoodRow | BadRow {
  const r = donationRowItem(projectId, row.values, now);
  return r.ok ? { line: row.line, id: r.id, amount: r.amount, item: r.item } : { line: row.line, id: r.id, problems: r.problems.map(problemOf) };
}

/** Reads and checks a donations CSV for `projectId` as the CLI does, naming every bad row by its line. */
export function checkFile(text: string, projectId: string, now: string = new Date().toISOString()): CheckedFile {
  const { columns, rows } = readCsv(text);
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !(ALLOWED_COLUMNS as readonly string[]).includes(c));
  const empty: CheckedFile = { columns, rows, good: [], bad: [] };
  if (missing.length > 0) return { ...empty, fileProblem: { key: 'charity.import.file.missing', values: { columns: missing.join(', ') } } };
  if (unknown.length > 0) return { ...empty, fileProblem: { key: 'charity.import.file.unknown', values: { columns: unknown.join(', ') } } };
  if (!columns.includes('idNumber') && !columns.includes('anonymous')) return { ...empty, fileProblem: { key: 'charity.import.file.noDonor' } };
  if (rows.length === 0) return { ...empty, fileProblem: { key: 'charity.import.file.noRows' } };
  const good: GoodRow[] = [];
  const bad: BadRow[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const checked = checkRow(projectId, row, now);
    const first = seen.get(checked.id);
    if (first !== undefined && checked.id !== '') {
      const problem: RowProblem = { key: 'charity.import.problem.duplicate', values: { line: String(first) } };
      bad.push('problems' in checked ? { ...checked, problems: [...checked.problems, problem] } : { line: row.line, id: checked.id, problems: [problem] });
      continue;
    }
    seen.set(checked.id, row.line);
    if ('problems' in checked) bad.push(checked);
    else good.push(checked);
  }
  return { columns, rows, good, bad };
}

/** What happened to one row. */
export type RowOutcome =
  | { line: number; id: string; status: 'recorded' | 'already'; amount: number }
  | { line: number; id: string; status: 'invalid'; problems: RowProblem[] }
  | { line: number; id: string; status: 'failed'; error: unknown };

/**
 * Sends the good rows in chunks through the shared import engine
 * (shared/import-engine.ts) and reports every row. Running the same file
 * again is answered from the gateway's store and records nothing twice; a
 * chunk refused with DUPLICATE_ID is compared with the ledger: rows whose
 * donation says what the row says are already recorded, rows whose id holds
 * another donation fail, and only the rest is sent.
 */
export async function sendChunks(options: {
  file: CheckedFile;
  projectId: string;
  fileSha256: string;
  signal: AbortSignal;
  onChunk: (outcomes: RowOutcome[]) => void;
}): Promise<void> {
  const { file, projectId, fileSha256, signal, onChunk } = options;
  const amounts = new Map(file.good.map((r) => [r.line, r.amount]));
  await runChunkedImport(portalTransport({ signal, redirectOnAuthError: false }), {
    batchPath: '/api/v1/donations/batch',
    comparePath: '/api/v1/donations/compare',
    keyBase: `civic-portal-import:donations:${projectId}:${fileSha256.slice(0, 32)}:${CHUNK_SIZE}`,
    chunkSize: CHUNK_SIZE,
    rows: file.good,
    backoffMs: 300,
    stopped: () => signal.aborted,
    onChunk: (outcomes) =>
      onChunk(
        outcomes.map((o): RowOutcome => {
          const amount = amounts.get(o.line) ?? 0;
          switch (o.state) {
            case 'written':
              return { line: o.line, id: o.id, status: 'recorded', amount };
            case 'already':
              return { line: o.line, id: o.id, status: 'already', amount };
            case 'different':
              return { line: o.line, id: o.id, status: 'failed', error: new ApiError(409, 'DUPLICATE_ID', o.id) };
            case 'refused':
              return { line: o.line, id: o.id, status: 'failed', error: errorOfReply(o.reply) };
            case 'unreachable':
              return { line: o.line, id: o.id, status: 'failed', error: o.error };
          }
        }),
      ),
  });
}

/** The per-row result as CSV text, for download: line, id, amount (fen), status and reason. */
export function outcomesCsv(outcomes: ReadonlyArray<RowOutcome>, reason: (o: RowOutcome) => string, statusText: (o: RowOutcome) => string): string {
  const sorted = [...outcomes].sort((a, b) => a.line - b.line);
  return Papa.unparse(
    sorted.map((o) => ({ line: o.line, id: o.id, amount: 'amount' in o ? o.amount : '', status: statusText(o), reason: reason(o) })),
    { columns: ['line', 'id', 'amount', 'status', 'reason'], escapeFormulae: FORMULA_START },
  );
}
