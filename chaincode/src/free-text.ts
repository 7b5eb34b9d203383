import { CodedError } from './errors';
import { isResidentIdNumber, toHalfWidth } from './identifiers';
import { requireString } from './validate';

/** What a screen found in free text. */
export type PersonalDataKind = 'ID number' | 'phone number' | 'bank card number';

/** Digits with single separators between them, as people type numbers: `110101 19900307 001X`, `138-1234-5678`. */
const SEPARATED_RUN = /\d(?:[ \-\u00a0]?\d)*(?:[ \-\u00a0]?[Xx](?![A-Za-z]))?/g;

function classifyPlain(run: string): PersonalDataKind | undefined {
  const n = run.length;
  if (n === 18 || n === 15) return 'ID number';
  if (n >= 16 && n <= 19) return 'bank card number';
  if (n === 11 && /^1[3-9]/.test(run)) return 'phone number';
  if (n === 13 && /^861[3-9]/.test(run)) return 'phone number';
  return undefined;
}

function classifyJoined(joined: string): PersonalDataKind | undefined {
  if (joined.length === 18 && isResidentIdNumber(joined)) return 'ID number';
  if (/^(?:86)?1[3-9]\d{9}$/.test(joined)) return 'phone number';
  if (/^0\d{9,11}$/.test(joined)) return 'phone number';
  return undefined;
}

/**
 * Looks for an ID-number-like, phone-like or bank-card-like sequence in text
 * (full-width digits included). A run of bare digits is judged by its length
 * alone; a run with spaces or hyphens inside only when, joined, it is a valid
 * resident ID or a phone number, so dates and ranges pass.
 */
export function findPersonalData(text: string): PersonalDataKind | undefined {
  const half = toHalfWidth(text);
  for (const m of half.matchAll(SEPARATED_RUN)) {
    const raw = m[0];
    for (const part of raw.split(/[ \-\u00a0]/)) {
      const found = classifyPlain(part.toUpperCase());
      if (found) return found;
    }
    const found = classifyJoined(raw.replace(/[ \-\u00a0]/g, '').toUpperCase());
    if (found) return found;
  }
  return undefined;
}

/**
 * Free text that goes on chain (reasons, memos, payees, titles, names of
 * organisations): a non-empty string of at most `max` characters with no
 * ID-number-, phone- or bank-card-like sequence in it. Every member reads
 * it, so personal data is refused with PERSONAL_DATA_REFUSED.
 */
export function requireFreeText(name: string, v: unknown, max: number): string {
  const text = requireString(name, v, max);
  const found = findPersonalData(text);
  if (found) {
    throw new CodedError(
      'PERSONAL_DATA_REFUSED',
      `${name} contains what looks like a ${found}; free text on the ledger is read by every member and must carry no personal data`,
    );
  }
  return text;
}
