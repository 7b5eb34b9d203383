import type { Command } from 'commander';
import { requireDateOrDateTime } from '../chaincode/src/dates';
import { requirePersonDocument } from '../chaincode/src/identifiers';
import { schemaErrors } from '../chaincode/src/schema';
import { isId } from '../chaincode/src/validate';
import { Api } from './api';
import { connectionOf, batchSizeOption, type ConnectionOptions } from './common';
import { checkColumns, readCsv, type CsvRow } from './csv-file';
import { CliError, ruleMessage } from './errors';
import { importRows, type GoodRow, type RowFailure } from './importer';

/** Scalar JSON Schema types a CSV cell can be converted to. */
type ScalarType = 'integer' | 'number' | 'boolean' | 'string';

/** A claim column: its JSON Schema type, or undefined for an enum or untyped property (sent as text). */
interface ClaimColumn {
  name: string;
  type?: ScalarType;
}

const FIXED = ['id', 'idNumber', 'name'] as const;
const OPTIONAL = ['idType', 'validFrom', 'validUntil'] as const;

/** Reads the claim columns from a type's schema; nested objects and arrays cannot come from one CSV cell. */
function claimColumns(type: string, schema: Record<string, unknown>): { columns: ClaimColumn[]; nested: string[]; required: string[] } {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const columns: ClaimColumn[] = [];
  const nested: string[] = [];
  for (const [name, prop] of Object.entries(props)) {
    const t = prop.type;
    if (t === 'object' || t === 'array') nested.push(name);
    else if (t === 'integer' || t === 'number' || t === 'boolean' || t === 'string') columns.push({ name, type: t });
    else if (t === undefined) columns.push({ name });
    else throw new CliError(`type ${type}: claim '${name}' has a schema type this tool does not convert (${JSON.stringify(t)})`);
  }
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  return { columns, nested, required };
}

/** Converts one cell to its claim type, or explains why it cannot be. */
function convert(column: ClaimColumn, raw: string): { value: unknown } | { error: string } {
  switch (column.type) {
    case 'integer':
      return /^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? { value: Number(raw) } : { error: `${column.name} must be an integer, got '${raw}'` };
    case 'number': {
      const n = Number(raw);
      return raw !== '' && Number.isFinite(n) ? { value: n } : { error: `${column.name} must be a number, got '${raw}'` };
    }
    case 'boolean':
      if (/^(true|yes|1)$/i.test(raw)) return { value: true };
      if (/^(false|no|0)$/i.test(raw)) return { value: false };
      return { error: `${column.name} must be true or false, got '${raw}'` };
    default:
      return { value: raw };
  }
}

/** One CSV row to a batch item, or the reasons it cannot be issued. */
function prepareRow(type: string, schema: Record<string, unknown>, claimCols: ClaimColumn[], row: CsvRow): GoodRow | RowFailure {
  const v = row.values;
  const problems: string[] = [];
  const id = v.id ?? '';
  if (!isId(id)) problems.push(`id '${id}' is not an identifier (letters, digits and ._:- , up to 128 characters)`);
  let idNumber = v.idNumber ?? '';
  try {
    idNumber = requirePersonDocument('holder', v.idType ? v.idType : undefined, idNumber).idNumber;
  } catch (err) {
    problems.push(ruleMessage(err));
  }
  const name = v.name ?? '';
  if (name === '' || name.length > 200) problems.push('name must be 1 to 200 characters');
  const claims: Record<string, unknown> = {};
  for (const col of claimCols) {
    const raw = v[col.name];
    // An empty cell is an absent claim: the schema decides whether that is allowed.
    if (raw === undefined || raw === '') continue;
    const c = convert(col, raw);
    if ('error' in c) problems.push(c.error);
    else claims[col.name] = c.value;
  }
  if (problems.length === 0) problems.push(...schemaErrors(schema, claims).map((p) => `claims${p.startsWith('(root)') ? p.slice(6) : ` ${p.replace(/^\//, '')}`}`));
  const item: Record<string, unknown> = { id, type, holder: { idNumber, name, ...(v.idType ? { idType: v.idType } : {}) }, claims };
  for (const f of ['validFrom', 'validUntil'] as const) {
    if (!v[f]) continue;
    try {
      item[f] = requireDateOrDateTime(f, v[f]);
    } catch (err) {
      problems.push(ruleMessage(err));
    }
  }
  if (typeof item.validFrom === 'string' && typeof item.validUntil === 'string' && item.validUntil <= item.validFrom) problems.push('validUntil must be after validFrom');
  return problems.length > 0 ? { line: row.line, id: id || undefined, reason: problems.join('; ') } : { line: row.line, id, item };
}

interface ImportOptions extends ConnectionOptions {
  type: string;
  out?: string;
  rejects?: string;
  batch: number;
  quiet?: boolean;
}

/** `civic certificates import`. */
export function certificatesCommand(program: Command): void {
  const certs = program.command('certificates').description('certificate commands');
  certs
    .command('import')
    .description('issue certificates from a CSV file, in batches, safely re-runnable')
    .argument('<file.csv>', 'CSV with a header row')
    .requiredOption('--type <type>', 'certificate type (GET /api/v1/certificate-types)')
    .option('--out <file.jsonl>', 'append issued credentials here as JSON lines {id, credential}')
    .option('--rejects <file.csv>', 'write the rows not imported, with line and reason, to this CSV')
    .option('--batch <n>', 'rows per request, 1 to 1000', batchSizeOption, 1000)
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Columns: id, idNumber, name, one column per claim of the type's schema, and
optionally idType, validFrom and validUntil. Cells are converted to the claim's
schema type (integer, number, boolean, string); an empty cell is an absent
claim. Claims that are objects or arrays cannot be imported from CSV.

The file may be UTF-8 (with or without a byte-order mark) or GB 18030/GBK, as
Excel on Chinese Windows saves it; a file with bytes neither reads is refused.

Every row is checked first; bad rows are reported with their line number and
not sent. Re-running the same file issues nothing twice: a row counts as
already issued only when the gateway finds that the certificate under its id
has the row's holder, type and claims; a certificate of someone else under
the id makes the row a failure. --out and --rejects are written with mode 0600
(--rejects holds full ID numbers), and rejected cells that a spreadsheet
would run as a formula get a leading apostrophe. Exit code 0 when every row
is issued or already issued, 1 otherwise, 2 for bad usage or an unreadable
file, 3 when the gateway cannot be reached or refuses the token.

Example:
  civic certificates import households.csv --type low-income-household --out issued.jsonl`,
    )
    .action(async (file: string, opts: ImportOptions, cmd: Command) => {
      const api = new Api(connectionOf(cmd));
      api.requireToken();
      const csv = await readCsv(file);
      const types = (await api.getJson('/api/v1/certificate-types', { auth: false })) as { items?: Array<{ type: string; schema: Record<string, unknown> }> };
      const certType = types.items?.find((t) => t.type === opts.type);
      if (!certType) throw new CliError(`certificate type '${opts.type}' is not registered (known: ${(types.items ?? []).map((t) => t.type).join(', ')})`);
      const { columns, nested, required } = claimColumns(opts.type, certType.schema);
      const usedNested = nested.filter((n) => csv.columns.includes(n) || required.includes(n));
      if (usedNested.length > 0) throw new CliError(`type ${opts.type}: claim${usedNested.length > 1 ? 's' : ''} ${usedNested.join(', ')} ${usedNested.length > 1 ? 'are objects or arrays' : 'is an object or array'}, which CSV import does not support`);
      checkColumns(file, csv.columns, FIXED, [...FIXED, ...columns.map((c) => c.name), ...OPTIONAL]);

      process.exitCode = await importRows(
        api,
        csv,
        (row) => prepareRow(opts.type, certType.schema, columns, row),
        {
          noun: 'certificates',
          batchPath: '/api/v1/certificates/batch',
          comparePath: '/api/v1/certificates/compare',
          scope: opts.type,
          outField: 'credential',
          words: { done: 'issued', already: 'already issued' },
        },
        opts,
      );
    });
}
