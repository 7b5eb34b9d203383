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
import { runChunkedImport, type ImportRow, type RowOutcome } from '../../../../shared/import-engine';
import { ApiError } from '../../lib/api';
import { errorOfReply, portalTransport } from '../../lib/import-transport';
import type { CertificateType } from '../../lib/types';
import type { CsvFile, CsvRow } from './csv';
import { buildClaims, fieldsOf, type FieldSpec, type PatternCheck } from './field-spec';
import { checkHolder } from './holder';
import { itemIndexOf, placeDetail, type PlacedProblem } from './server-errors';

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
export type GoodRow = ImportRow;

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

/** One chunk's outcomes from the engine as the page shows them; a problem that points at one item lands on that row's columns. */
export function chunkOutcome(outcomes: readonly RowOutcome[]): ChunkOutcome {
  const outcome: ChunkOutcome = new Map();
  const refused = outcomes.filter((o): o is Extract<RowOutcome, { state: 'refused' }> => o.state === 'refused');
  const reply = refused[0]?.reply;
  const error = reply === undefined ? undefined : errorOfReply(reply);
  const culprit = error !== undefined && error.code === 'VALIDATION_FAILED' ? itemIndexOf(error.detail) : undefined;
  const culpritLine = culprit === undefined ? undefined : refused.find((o) => o.index === culprit)?.line;
  for (const o of outcomes) {
    switch (o.state) {
      case 'written':
        outcome.set(o.line, { status: 'issued' });
        break;
      case 'already':
        outcome.set(o.line, { status: 'already' });
        break;
      case 'different':
        outcome.set(o.line, { status: 'failed', error: new ApiError(409, 'DUPLICATE_ID', `certificate ${o.id} already exists and differs in ${o.differs.join(', ') || 'its content'}`) });
        break;
      case 'unreachable':
        outcome.set(o.line, { status: 'failed', error: o.error });
        break;
      case 'refused': {
        const err = errorOfReply(o.reply);
        if (culprit === undefined || culpritLine === undefined) outcome.set(o.line, { status: 'failed', error: err });
        else if (o.index === culprit) {
          const problems = placeDetail(err.detail, `items[${o.index}]`).map((p) => ({ ...p, field: p.field === undefined ? undefined : asColumn(p.field) }));
          outcome.set(o.line, { status: 'failed', problems });
        } else outcome.set(o.line, { status: 'failed', culpritLine, error: err });
        break;
      }
    }
  }
  return outcome;
}

/** Sends the good rows chunk by chunk through the shared import engine; a refused chunk marks its rows failed and the run goes on with the next. */
export async function runBatch(opts: RunOptions): Promise<void> {
  await runChunkedImport(portalTransport(), {
    batchPath: '/api/v1/certificates/batch',
    comparePath: '/api/v1/certificates/compare',
    keyBase: `portal-import:certificates:${opts.type}:${opts.fileSha256.slice(0, 32)}:${CHUNK_SIZE}`,
    chunkSize: CHUNK_SIZE,
    rows: opts.rows,
    backoffMs: 400,
    onChunk: (outcomes) => opts.onChunk(chunkOutcome(outcomes)),
    stopped: () => opts.stopped(),
  });
}
