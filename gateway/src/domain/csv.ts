import { defuseFormula } from '../../../shared/csv-text';

/** A CSV cell's value; absent values become empty cells. */
export type CsvValue = string | number | boolean | undefined | null;

/**
 * One cell, RFC 4180 quoted when it holds a comma, quote or line break. Text
 * that a spreadsheet would evaluate gets a leading apostrophe, so it shows
 * as text. Numbers are written as they are: only the service produces them.
 */
export function csvCell(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = defuseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF line end. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
