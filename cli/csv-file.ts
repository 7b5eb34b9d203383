import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { decodeCsvBytes, defuseFormula, firstUnreadableLine, type CsvEncoding } from '../shared/csv-text';
import { CliError } from './errors';

/** One data row of a CSV file: its values by column name, and the line it ends on (the header is line 1). */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** A CSV file read whole: its SHA-256 (for idempotency keys), the encoding it was read in, header and rows. */
export interface CsvFile {
  sha256: string;
  encoding: CsvEncoding;
  columns: string[];
  rows: CsvRow[];
}

/**
 * Reads a CSV file with a header row, in UTF-8 (with or without a byte-order
 * mark) or GB 18030/GBK, decided as the portal decides (shared/csv-text.ts).
 * A file with bytes neither encoding reads is refused, naming the line: its
 * names would go into signed credentials garbled. The whole file is read
 * because its content hash names the import's batches: a re-run of the same
 * file must send the same idempotency keys.
 */
export async function readCsv(file: string): Promise<CsvFile> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
  const { text, encoding } = decodeCsvBytes(data);
  const unreadable = firstUnreadableLine(text);
  if (unreadable !== undefined) {
    throw new CliError(`${file} line ${unreadable}: bytes that are neither UTF-8 nor GB 18030 (or characters lost by an earlier conversion); save the file as UTF-8 and try again`);
  }
  let columns: string[] = [];
  let parsed: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    parsed = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      columns: (header: string[]) => {
        columns = header.map((h) => h.trim());
        return columns;
      },
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  } catch (err) {
    throw new CliError(`${file} is not valid CSV: ${(err as Error).message}`);
  }
  if (columns.length === 0) throw new CliError(`${file} is empty: the first line must name the columns`);
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) throw new CliError(`${file}: column '${dup}' appears twice in the header`);
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    encoding,
    columns,
    rows: parsed.map((p) => ({ line: p.info.lines, values: p.record })),
  };
}

/** Fails with one line naming the missing and the unknown columns, so a typo in the header stops the import before anything is sent. */
export function checkColumns(file: string, columns: readonly string[], required: readonly string[], allowed: readonly string[]): void {
  const missing = required.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !allowed.includes(c));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (unknown.length > 0) parts.push(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected ${allowed.join(', ')})`);
  if (parts.length > 0) throw new CliError(`${file}: ${parts.join('; ')}`);
}

/** Files the import writes hold ID numbers (the rejects) or credentials (`--out`): for the user who ran it alone. */
export const PRIVATE_MODE = 0o600;

/**
 * Narrows an existing file to {@link PRIVATE_MODE}: a mode given when
 * writing applies only to a file that is created, so one left by an earlier
 * run (or made by hand) with a wider mode would otherwise keep it.
 */
export async function makePrivate(file: string, what: string): Promise<void> {
  try {
    await fs.chmod(file, PRIVATE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CliError(`cannot restrict ${what} ${file} to mode 0600 (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Writes the rows that were not imported, with their line number and reason,
 * as a CSV with the input's columns: fix it and import it again. It holds
 * full ID numbers, so it is readable by its owner only; and its cells come
 * from the input file, so any that a spreadsheet would run as a formula
 * (`=HYPERLINK(…)` as a name) get a leading apostrophe.
 */
export async function writeRejects(file: string, input: CsvFile, failures: ReadonlyArray<{ line: number; reason: string }>): Promise<void> {
  const byLine = new Map(input.rows.map((r) => [r.line, r.values]));
  const records = failures.map((f) => {
    const cells: Record<string, string> = { ...byLine.get(f.line), line: String(f.line), reason: f.reason };
    for (const [k, v] of Object.entries(cells)) cells[k] = defuseFormula(v);
    return cells;
  });
  const text = stringify(records, { header: true, columns: [...input.columns, 'line', 'reason'] });
  try {
    await makePrivate(file, '--rejects');
    await fs.writeFile(file, text, { mode: PRIVATE_MODE });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot write --rejects ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
