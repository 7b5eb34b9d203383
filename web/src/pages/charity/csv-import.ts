import Papa from 'papaparse';
import { requireDateOrDateTime } from '../../../../chaincode/src/dates';
import { requirePersonDocument } from '../../../../chaincode/src/identifiers';
import { MAX_AMOUNT_FEN } from '../../../../chaincode/src/models/charity';
import { FORMULA_START } from '../../../../shared/csv-text';
import { ApiError, request, seg } from '../../lib/api';
import type { Donation } from '../../lib/types';
import { sha256Hex } from '../../lib/hash';
import { isId } from './forms';
import type { MessageKey } from '../../i18n';

/**
 * The columns of `civic donations import` (cli/donations-import.ts), so one
 * file works in both: id, amount in whole fen, idNumber (and idType) or
 * anonymous, receivedAt, channel. Donor names are not taken.
 */
export const REQUIRED_COLUMNS = ['id', 'amount'] as const;
export const ALLOWED_COLUMNS = ['id', 'amount', 'idNumber', 'idType', 'anonymous', 'receivedAt', 'channel'] as const;

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

function checkRow(projectId: string, row: CsvRow): GoodRow | BadRow {
  const v = row.values;
  const problems: RowProblem[] = [];
  const id = v.id ?? '';
  if (!isId(id)) problems.push({ key: 'charity.import.problem.id', values: { id } });
  let amount = 0;
  if (!/^\d+$/.test(v.amount ?? '') || Number(v.amount) < 1 || Number(v.amount) > MAX_AMOUNT_FEN) {
    problems.push({ key: 'charity.import.problem.amount', values: { amount: v.amount ?? '' } });
  } else {
    amount = Number(v.amount);
  }
  const anon = v.anonymous ?? '';
  let anonymous = false;
  if (/^(true|yes|1)$/i.test(anon)) anonymous = true;
  else if (anon !== '' && !/^(false|no|0)$/i.test(anon)) problems.push({ key: 'charity.import.problem.anonymous', values: { value: anon } });
  const donor: Record<string, unknown> = {};
  if (anonymous) {
    if (v.idNumber) problems.push({ key: 'charity.import.problem.anonymousWithId' });
    donor.anonymous = true;
  } else if (!v.idNumber) {
    problems.push({ key: 'charity.import.problem.noDonor' });
  } else {
    try {
      donor.idNumber = requirePersonDocument('donor', v.idType ? v.idType : undefined, v.idNumber).idNumber;
      if (v.idType) donor.idType = v.idType;
    } catch {
      problems.push({ key: 'charity.import.problem.idNumber' });
    }
  }
  const item: Record<string, unknown> = { id, projectId, amount, donor };
  if (v.receivedAt) {
    try {
      item.receivedAt = requireDateOrDateTime('receivedAt', v.receivedAt);
    } catch {
      problems.push({ key: 'charity.import.problem.receivedAt', values: { value: v.receivedAt } });
    }
  }
  if (v.channel) {
    if (isId(v.channel)) item.channel = v.channel;
    else problems.push({ key: 'charity.import.problem.channel', values: { value: v.channel } });
  }
  return problems.length > 0 ? { line: row.line, id, problems } : { line: row.line, id, amount, item };
}

/** Reads and checks a donations CSV for `projectId` as the CLI does, naming every bad row by its line. */
export function checkFile(text: string, projectId: string): CheckedFile {
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
    const checked = checkRow(projectId, row);
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

/** Answers that leave nothing written: the same request may simply be sent again. */
const TRANSIENT = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT', 'LEDGER_UNAVAILABLE', 'RATE_LIMITED', 'ENDORSEMENT_POLICY_FAILURE', 'NETWORK']);
const RETRIES = 4;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function post(items: GoodRow[], key: string, signal: AbortSignal): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request('POST', '/api/v1/donations/batch', {
        body: { items: items.map((r) => r.item) },
        headers: { 'Idempotency-Key': key },
        redirectOnAuthError: false,
        signal,
      });
    } catch (err) {
      const again = err instanceof ApiError && (TRANSIENT.has(err.code) || err.status >= 500);
      if (!again || attempt >= RETRIES) throw err;
      await sleep(300 * 2 ** attempt);
    }
  }
}

/**
 * Which of `rows` are already on the ledger as the same donation (after a
 * DUPLICATE_ID: recorded by an earlier run cut differently), and which ids
 * another donation already holds (another project or amount).
 */
async function alreadyOnLedger(rows: GoodRow[], projectId: string, signal: AbortSignal): Promise<{ same: Set<string>; taken: Set<string> }> {
  const same = new Set<string>();
  const taken = new Set<string>();
  for (const row of rows) {
    try {
      const res = await request('GET', `/api/v1/donations/${seg(row.id)}`, { redirectOnAuthError: false, signal });
      const found = (await res.json()) as Donation;
      (found.projectId === projectId && found.amount === row.amount ? same : taken).add(row.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
  }
  return { same, taken };
}

/**
 * Sends the good rows in chunks and reports every row. Each chunk's
 * Idempotency-Key is derived from the file's SHA-256, the project and the
 * chunk's position, so running the same file again is answered from the
 * gateway's store (`Idempotent-Replayed`) and records nothing twice; a chunk
 * refused with DUPLICATE_ID (recorded under another key) is split into the
 * rows already there and the rest, and only the rest is sent.
 */
export async function sendChunks(options: {
  file: CheckedFile;
  projectId: string;
  fileSha256: string;
  signal: AbortSignal;
  onChunk: (outcomes: RowOutcome[]) => void;
}): Promise<void> {
  const { file, projectId, fileSha256, signal, onChunk } = options;
  const baseKey = `civic-portal-import:donations:${projectId}:${fileSha256.slice(0, 32)}:${CHUNK_SIZE}`;
  for (let start = 0, index = 0; start < file.good.length; start += CHUNK_SIZE, index++) {
    let pending = file.good.slice(start, start + CHUNK_SIZE);
    let key = `${baseKey}:${index}`;
    const outcomes: RowOutcome[] = [];
    for (let round = 0; pending.length > 0; round++) {
      try {
        const res = await post(pending, key, signal);
        const status = res.headers.get('Idempotent-Replayed') === 'true' ? 'already' : 'recorded';
        for (const r of pending) outcomes.push({ line: r.line, id: r.id, status, amount: r.amount });
        pending = [];
      } catch (err) {
        if (err instanceof ApiError && err.code === 'DUPLICATE_ID' && round < 3) {
          const { same, taken } = await alreadyOnLedger(pending, projectId, signal);
          for (const r of pending) {
            if (same.has(r.id)) outcomes.push({ line: r.line, id: r.id, status: 'already', amount: r.amount });
            if (taken.has(r.id)) outcomes.push({ line: r.line, id: r.id, status: 'failed', error: new ApiError(409, 'DUPLICATE_ID', r.id) });
          }
          if (same.size + taken.size === 0) {
            for (const r of pending) outcomes.push({ line: r.line, id: r.id, status: 'failed', error: err });
            pending = [];
            continue;
          }
          pending = pending.filter((r) => !same.has(r.id) && !taken.has(r.id));
          if (pending.length === 0) continue;
          // The rest is a different body, which the first key would refuse.
          key = `${baseKey}:${index}:rest-${(await sha256Hex(pending.map((r) => r.id).join('\n'))).slice(0, 16)}`;
          continue;
        }
        if (err instanceof DOMException && err.name === 'AbortError') throw err;
        for (const r of pending) outcomes.push({ line: r.line, id: r.id, status: 'failed', error: err });
        pending = [];
      }
    }
    onChunk(outcomes);
  }
}

/** The per-row result as CSV text, for download: line, id, amount (fen), status and reason. */
export function outcomesCsv(outcomes: ReadonlyArray<RowOutcome>, reason: (o: RowOutcome) => string, statusText: (o: RowOutcome) => string): string {
  const sorted = [...outcomes].sort((a, b) => a.line - b.line);
  return Papa.unparse(
    sorted.map((o) => ({ line: o.line, id: o.id, amount: 'amount' in o ? o.amount : '', status: statusText(o), reason: reason(o) })),
    { columns: ['line', 'id', 'amount', 'status', 'reason'], escapeFormulae: FORMULA_START },
  );
}
