/**
 * Batch issuing from a CSV file, as `civic certificates import` does it
 * (cli/certificates-import.ts, cli/importer.ts): every row is checked first
 * and bad rows are reported by line and never sent; good rows go in chunks to
 * `POST /api/v1/certificates/batch`, each chunk with an `Idempotency-Key`
 * derived from the file's SHA-256, the type and the chunk's position, so
 * running the same file again issues nothing twice.
 */
import { requireDateOrDateTime } from '../../../../chaincode/src/dates';
import { ID_TYPES } from '../../../../chaincode/src/identifiers';
import { isId } from '../../../../chaincode/src/validate';
import { ApiError, request, seg } from '../../lib/api';
import type { CertificateType } from '../../lib/types';
import type { CsvFile, CsvRow } from './csv';
import { buildClaims, fieldsOf, type FieldSpec, type PatternCheck } from './field-spec';
import { checkHolder } from './holder';
import { itemIndexOf, placeDetail, type PlacedProblem } from './server-errors';
import { sha256Hex } from '../../lib/hash';

/** Rows per request: small enough that the progress bar moves, far below the API's 1000. */
export const CHUNK_SIZE = 100;

const FIXED = ['id', 'idNumber', 'name'] as const;
const OPTIONAL = ['idType', 'validFrom', 'validUntil'] as const;

/** Where a row stands. `already` = on the ledger from an earlier run of the same file (or under the same id). */
export type RowStatus = 'pending' | 'issued' | 'already' | 'failed';

/** The outcome of one CSV row. `problems` name the column (`idNumber`, a claim) when known; `error` is a refusal of its whole chunk. */
export interface RowResult {
  line: number;
  id?: string;
  status: RowStatus;
  problems?: PlacedProblem[];
  error?: unknown;
  /** The line of the row that made the gateway refuse this row's chunk. */
  culpritLine?: number;
}

/** A row ready to send. */
export interface GoodRow {
  line: number;
  id: string;
  item: Record<string, unknown>;
}

/** Why a file cannot be imported at all (before any row is looked at). */
export type FileProblem =
  | { key: 'empty' }
  | { key: 'duplicateColumn'; column: string }
  | { key: 'columns'; missing: string[]; unknown: string[]; expected: string[] }
  | { key: 'nestedClaims'; claims: string[] }
  | { key: 'noRows' };

/** The CSV columns a type takes: the fixed ones, one per scalar claim, and the optional ones. */
export function columnsOf(type: CertificateType): { claimFields: FieldSpec[]; nested: FieldSpec[]; allowed: string[] } {
  const fields = fieldsOf(type.schema);
  const claimFields = fields.filter((f) => f.kind !== 'object' && f.kind !== 'unsupported');
  const nested = fields.filter((f) => f.kind === 'object' || f.kind === 'unsupported');
  return { claimFields, nested, allowed: [...FIXED, ...claimFields.map((f) => f.name), ...OPTIONAL] };
}

/** True when a type's required claims can all come from CSV cells (no required objects or arrays). */
export function csvCanIssue(type: CertificateType): boolean {
  return columnsOf(type).nested.every((f) => !f.required);
}

/** The header line of a blank file for `type`. */
export function templateColumns(type: CertificateType): string[] {
  return columnsOf(type).allowed;
}

/** Refuses a file whose header does not fit the type, as the CLI does, so a typo stops the import before anything is sent. */
export function fileProblem(type: CertificateType, csv: CsvFile): FileProblem | undefined {
  if (csv.columns.length === 0) return { key: 'empty' };
  if (csv.duplicateColumn !== undefined) return { key: 'duplicateColumn', column: csv.duplicateColumn };
  const { nested, allowed } = columnsOf(type);
  const usedNested = nested.filter((n) => n.required || csv.columns.includes(n.name)).map((n) => n.name);
  if (usedNested.length > 0) return { key: 'nestedClaims', claims: usedNested };
  const missing = FIXED.filter((c) => !csv.columns.includes(c));
  const unknown = csv.columns.filter((c) => !allowed.includes(c));
  if (missing.length > 0 || unknown.length > 0) return { key: 'columns', missing, unknown, expected: allowed };
  if (csv.rows.length === 0) return { key: 'noRows' };
  return undefined;
}

/** A holder or claim problem keyed by form field, as the CSV column it came from. */
function asColumn(field: string): string {
  if (field.startsWith('holder.')) return field.slice('holder.'.length);
  if (field.startsWith('claims.')) return field.slice('claims.'.length);
  return field;
}

/** One row as a batch item, or its problems (each naming its column); schema patterns are checked with `patterns` only. */
export function prepareRow(type: CertificateType, claimFields: readonly FieldSpec[], row: CsvRow, patterns?: PatternCheck): GoodRow | RowResult {
  const v = row.values;
  const problems: PlacedProblem[] = [];
  const id = v.id ?? '';
  if (!isId(id)) problems.push({ field: 'id', problem: { key: id === '' ? 'required' : 'id' } });
  const idType = v.idType ? v.idType : 'resident';
  if (!(ID_TYPES as readonly string[]).includes(idType)) problems.push({ field: 'idType', problem: { key: 'enum', values: { values: ID_TYPES.join(', ') } } });
  const holder = checkHolder({ idType, idNumber: v.idNumber ?? '', name: v.name ?? '' }, { nameRequired: true });
  for (const [k, p] of Object.entries(holder.problems)) if (!(k === 'holder.idNumber' && problems.some((x) => x.field === 'idType'))) problems.push({ field: asColumn(k), problem: p });
  const built = buildClaims(claimFields, v, patterns);
  for (const [k, p] of Object.entries(built.problems)) problems.push({ field: k, problem: p });
  if (row.extraCells > 0) problems.push({ problem: { key: 'extraCells', values: { n: row.extraCells } } });
  const item: Record<string, unknown> = { id, type: type.type, holder: { idType, idNumber: holder.idNumber, name: (v.name ?? '').trim() }, claims: built.claims };
  for (const f of ['validFrom', 'validUntil'] as const) {
    if (!v[f]) continue;
    try {
      item[f] = requireDateOrDateTime(f, v[f]);
    } catch {
      problems.push({ field: f, problem: { key: 'dateTime' } });
    }
  }
  if (typeof item.validFrom === 'string' && typeof item.validUntil === 'string' && item.validUntil <= item.validFrom) {
    problems.push({ field: 'validUntil', problem: { key: 'validUntilOrder' } });
  }
  if (problems.length > 0) return { line: row.line, id: id || undefined, status: 'failed', problems };
  return { line: row.line, id, item };
}

/** Every row checked: the rows to send, and the outcome of each row (failures already final). */
export function prepareFile(type: CertificateType, csv: CsvFile, patterns?: PatternCheck): { good: GoodRow[]; results: RowResult[] } {
  const { claimFields } = columnsOf(type);
  const good: GoodRow[] = [];
  const results: RowResult[] = [];
  const firstLine = new Map<string, number>();
  for (const row of csv.rows) {
    const r = prepareRow(type, claimFields, row, patterns);
    if ('item' in r) {
      // A chunk holding the same id twice would be refused whole: the later rows fail here.
      const at = firstLine.get(r.id);
      if (at !== undefined) {
        results.push({ line: r.line, id: r.id, status: 'failed', problems: [{ field: 'id', problem: { key: 'repeatedId', values: { line: at } } }] });
        continue;
      }
      firstLine.set(r.id, r.line);
      good.push(r);
      results.push({ line: r.line, id: r.id, status: 'pending' });
    } else {
      results.push(r);
    }
  }
  return { good, results };
}

/** Answers worth repeating with the same key: nothing was written. */
const TRANSIENT = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT', 'LEDGER_UNAVAILABLE', 'RATE_LIMITED', 'ENDORSEMENT_POLICY_FAILURE']);
const RETRIES = 3;
const LOOKUPS_AT_ONCE = 8;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a chunk came to: an outcome per line. */
export type ChunkOutcome = Map<number, Omit<RowResult, 'line' | 'id'>>;

/** What a run needs: the type, the file's hash (for the keys), the good rows, and how to report and stop. */
export interface RunOptions {
  type: string;
  fileSha256: string;
  rows: readonly GoodRow[];
  /** Called after each chunk with its rows' outcomes. */
  onChunk(outcome: ChunkOutcome): void;
  /** True once the page is left: stop after the chunk in flight. */
  stopped(): boolean;
}

/** Sends the good rows chunk by chunk; a refused chunk marks its rows failed and the run goes on with the next. */
export async function runBatch(opts: RunOptions): Promise<void> {
  const base = `portal-import:certificates:${opts.type}:${opts.fileSha256.slice(0, 32)}:${CHUNK_SIZE}`;
  for (let i = 0, index = 0; i < opts.rows.length; i += CHUNK_SIZE, index++) {
    if (opts.stopped()) return;
    opts.onChunk(await sendChunk(opts.rows.slice(i, i + CHUNK_SIZE), `${base}:${index}`));
  }
}

async function post(rows: readonly GoodRow[], key: string): Promise<{ replayed: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await request('POST', '/api/v1/certificates/batch', { body: { items: rows.map((r) => r.item) }, headers: { 'Idempotency-Key': key } });
      await res.json();
      return { replayed: res.headers.get('Idempotent-Replayed') === 'true' };
    } catch (err) {
      // The same key makes a repeat safe: a chunk that committed is answered from the gateway's store.
      const transient = err instanceof ApiError && (err.unreachable || TRANSIENT.has(err.code));
      if (!transient || attempt >= RETRIES) throw err;
      await sleep(400 * 2 ** attempt);
    }
  }
}

/** The ids of `rows` that are on the ledger already. */
async function onLedger(rows: readonly GoodRow[]): Promise<Set<string>> {
  const found = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      try {
        await request('GET', `/api/v1/certificates/${seg(row.id)}`);
        found.add(row.id);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'CERT_NOT_FOUND')) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS_AT_ONCE, rows.length) }, worker));
  return found;
}

async function sendChunk(chunk: readonly GoodRow[], firstKey: string): Promise<ChunkOutcome> {
  const outcome: ChunkOutcome = new Map();
  let pending = chunk;
  let key = firstKey;
  for (let round = 0; ; round++) {
    try {
      const { replayed } = await post(pending, key);
      for (const r of pending) outcome.set(r.line, { status: replayed ? 'already' : 'issued' });
      return outcome;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'DUPLICATE_ID' && round < 3) {
        // Issued before under other keys (another clerk, the CLI, other chunks): count those, send only the rest.
        let existing: Set<string>;
        try {
          existing = await onLedger(pending);
        } catch (lookupError) {
          for (const r of pending) outcome.set(r.line, { status: 'failed', error: lookupError });
          return outcome;
        }
        for (const r of pending) if (existing.has(r.id)) outcome.set(r.line, { status: 'already' });
        pending = pending.filter((r) => !existing.has(r.id));
        if (pending.length === 0) return outcome;
        // A smaller body under the first key would be refused as a different request.
        key = `${firstKey}:rest-${(await sha256Hex(pending.map((r) => r.id).join('\n'))).slice(0, 16)}`;
        continue;
      }
      const culprit = err instanceof ApiError && err.code === 'VALIDATION_FAILED' ? itemIndexOf(err.detail) : undefined;
      pending.forEach((r, i) => {
        if (culprit === undefined) outcome.set(r.line, { status: 'failed', error: err });
        else if (i === culprit && err instanceof ApiError) {
          const problems = placeDetail(err.detail, `items[${i}]`).map((p) => ({ ...p, field: p.field === undefined ? undefined : asColumn(p.field) }));
          outcome.set(r.line, { status: 'failed', problems });
        } else outcome.set(r.line, { status: 'failed', culpritLine: pending[culprit]?.line, error: err });
      });
      return outcome;
    }
  }
}
