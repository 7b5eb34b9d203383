import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { CliError } from './errors';

/** One data row of a CSV file: its values by column name, and the line it ends on (the header is line 1). */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** A CSV file read whole: its SHA-256 (for idempotency keys), header and rows. */
export interface CsvFile {
  sha256: string;
  columns: string[];
  rows: CsvRow[];
}

/**
 * Reads a CSV file with a header row. The whole file is read because its
 * content hash names the import's batches: a re-run of the same file must
 * send the same idempotency keys.
 */
export async function readCsv(file: string): Promise<CsvFile> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
  let columns: string[] = [];
  let parsed: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    parsed = parse(data, {
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

/**
 * Writes the rows that were not imported, with their line number and reason,
 * as a CSV with the input's columns: fix it and import it again.
 */
export async function writeRejects(file: string, input: CsvFile, failures: ReadonlyArray<{ line: number; reason: string }>): Promise<void> {
  const byLine = new Map(input.rows.map((r) => [r.line, r.values]));
  const records = failures.map((f) => ({ ...byLine.get(f.line), line: String(f.line), reason: f.reason }));
  const text = stringify(records, { header: true, columns: [...input.columns, 'line', 'reason'] });
  try {
    await fs.writeFile(file, text);
  } catch (err) {
    throw new CliError(`cannot write --rejects ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
