/** Reading a clerk's CSV file in the browser, and writing results back as CSV. */
import Papa from 'papaparse';
import { FORMULA_START, decodeCsvBytes } from '../../../../shared/csv-text';

/** One data row: its cells by column name and the line it ends on (the header is line 1), as the CLI numbers them. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
  /** Cells beyond the header's columns. */
  extraCells: number;
}

/** A file read whole. */
export interface CsvFile {
  columns: string[];
  rows: CsvRow[];
  /** A column named twice in the header, if any. */
  duplicateColumn?: string;
}

/**
 * Decodes a file's bytes: UTF-8 (a byte-order mark is dropped), or GB 18030
 * when the bytes are not UTF-8, because Excel on Chinese Windows saves CSV in
 * the local code page. The rule is shared with the CLI (shared/csv-text.ts).
 */
export function decodeText(bytes: ArrayBuffer): string {
  return decodeCsvBytes(bytes).text;
}

/** Parses CSV text with a header row; cells and column names are trimmed, empty lines skipped. */
export function parseCsv(text: string): CsvFile {
  let header: string[] | undefined;
  const rows: CsvRow[] = [];
  let lines = 1;
  let seen = 0;
  Papa.parse<string[]>(text, {
    skipEmptyLines: 'greedy',
    step(result) {
      // The cursor stands after the row (and its line break): count the breaks up to it to know the line the row ends on.
      const cursor = result.meta.cursor;
      const segment = text.slice(seen, cursor);
      seen = cursor;
      const breaks = (segment.match(/\n/g) ?? []).length;
      const endsWithBreak = segment.endsWith('\n');
      const endLine = lines + breaks - (endsWithBreak ? 1 : 0);
      lines += breaks;
      const cells = result.data.map((c) => c.trim());
      if (header === undefined) {
        header = cells;
        return;
      }
      const values: Record<string, string> = {};
      header.forEach((name, i) => (values[name] = cells[i] ?? ''));
      rows.push({ line: endLine, values, extraCells: Math.max(0, cells.length - header.length) });
    },
  });
  const columns = header ?? [];
  const duplicateColumn = columns.find((c, i) => columns.indexOf(c) !== i);
  return { columns, rows, duplicateColumn };
}

/**
 * CSV text with a header row, for a spreadsheet: a byte-order mark so Excel
 * reads UTF-8, and cells that would start a formula (`=`, `+`, `-`, `@`, a
 * tab or CR, or their full-width forms: the shared FORMULA_START) escaped,
 * because ids and reasons come from uploaded files.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `\uFEFF${Papa.unparse({ fields: [...columns], data: rows.map((r) => r.map(String)) }, { escapeFormulae: FORMULA_START, newline: '\r\n' })}\r\n`;
}
