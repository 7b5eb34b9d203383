/**
 * CSV text as clerks' spreadsheets save and open it. The portal's importers,
 * the `civic` CLI and the gateway's CSV export all read and write it through
 * here, so a file that one of them accepts reads the same in the others, and
 * no copy of these rules drifts from another.
 */

/** What a CSV file was read as: UTF-8, or GB 18030 (a superset of GBK, the code page Excel on Chinese Windows saves in). */
export type CsvEncoding = 'utf-8' | 'gb18030';

/** A file's text and the encoding it was read in. */
export interface DecodedText {
  text: string;
  encoding: CsvEncoding;
}

/**
 * Decodes a file's bytes: UTF-8 when the bytes are valid UTF-8 (a byte-order
 * mark is dropped), GB 18030 otherwise. Valid UTF-8 is tried first because
 * GB 18030 reads almost any byte sequence as some text, while a GBK file is
 * practically never valid UTF-8. Bytes neither encoding can read come out
 * as U+FFFD: see {@link firstUnreadableLine}.
 */
export function decodeCsvBytes(bytes: ArrayBuffer | Uint8Array): DecodedText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/**
 * The line (1-based) of the first U+FFFD in decoded text, or undefined. A
 * replacement character is a byte sequence that could not be read, or one
 * that an earlier conversion already lost: either way a name in that line
 * is no longer the person's name, and must not go into a signed credential.
 */
export function firstUnreadableLine(text: string): number | undefined {
  const at = text.indexOf('\uFFFD');
  if (at < 0) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP CSV
 * injection), including their full-width forms, which CJK input produces.
 */
export const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Text a spreadsheet would evaluate gets a leading apostrophe, so it shows as text; anything else is returned as it is. */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
