import { CodedError, invalid } from './errors';

/**
 * Kinds of identity document a person can be named by. A mainland resident
 * ID (居民身份证) is the default; other kinds are named explicitly, and their
 * pseudonyms are derived with the kind, so equal numbers of different kinds
 * never collide.
 */
export const ID_TYPES = ['resident', 'passport', 'hk-macao-permit', 'taiwan-permit', 'foreign-permanent-resident'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** GB 11643-1999 weights of the first 17 characters: 2^(17-i) mod 11. */
const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643-1999 check characters, indexed by the weighted sum mod 11. */
const RESIDENT_CHECK = '10X98765432';

/** Full-width digits and letters (common in Chinese input) as ASCII. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** The form a document number is compared in: half-width, no spaces or hyphens, upper case. */
export function normaliseDocumentNumber(raw: string): string {
  return toHalfWidth(raw).replace(/[\s-]/g, '').toUpperCase();
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The GB 11643 check character of the first 17 digits of a resident ID number. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_WEIGHTS[i];
  return RESIDENT_CHECK[sum % 11];
}

/**
 * True for an 18-character mainland resident ID number (GB 11643-1999):
 * region code, a real birth date, sequence number and the check character.
 */
export function isResidentIdNumber(normalised: string): boolean {
  if (!/^[1-9]\d{16}[\dX]$/.test(normalised)) return false;
  const year = Number(normalised.slice(6, 10));
  if (year < 1880 || year > 2199) return false;
  if (!isCalendarDate(year, Number(normalised.slice(10, 12)), Number(normalised.slice(12, 14)))) return false;
  return residentIdCheckChar(normalised) === normalised[17];
}

/**
 * A person's identity document, checked and normalised. What the gateway
 * turns into a pseudonym is {@link PersonDocument.key}: never empty, and
 * prefixed with the kind for every kind but the resident ID (whose
 * pseudonyms were always derived from the bare number).
 */
export interface PersonDocument {
  idType: IdType;
  idNumber: string;
  key: string;
}

/**
 * Reads `{idType?, idNumber}`: a resident ID must pass GB 11643; other kinds
 * are 5 to 20 letters and digits with at least one digit. Throws
 * VALIDATION_FAILED naming `where`.
 */
export function requirePersonDocument(where: string, idType: unknown, idNumber: unknown): PersonDocument {
  const kind = idType === undefined || idType === null ? 'resident' : idType;
  if (typeof kind !== 'string' || !(ID_TYPES as readonly string[]).includes(kind)) {
    throw invalid(`${where}.idType must be one of ${ID_TYPES.join(', ')}`);
  }
  if (typeof idNumber !== 'string' || idNumber.length > 64) throw invalid(`${where}.idNumber must be a string of at most 64 characters`);
  const n = normaliseDocumentNumber(idNumber);
  if (kind === 'resident') {
    if (!isResidentIdNumber(n)) {
      throw invalid(`${where}.idNumber is not a valid resident ID number (18 characters with the GB 11643 check character); name other documents with idType`);
    }
    return { idType: kind, idNumber: n, key: n };
  }
  if (!/^[A-Z0-9]{5,20}$/.test(n) || !/\d/.test(n)) throw invalid(`${where}.idNumber is not a valid ${kind} number (5 to 20 letters and digits)`);
  return { idType: kind as IdType, idNumber: n, key: `${kind}:${n}` };
}

/** GB 32100-2015 character set of the unified social credit code (no I, O, Z, S, V). */
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100 check character of the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i]) * CREDIT_WEIGHTS[i];
  return CREDIT_CHARS[(31 - (sum % 31)) % 31];
}

/** True for an 18-character unified social credit code (统一社会信用代码) with a correct check character. */
export function isCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return creditCodeCheckChar(code) === code[17];
}

/** A unified social credit code (upper case, no spaces), or VALIDATION_FAILED. */
export function requireCreditCode(name: string, v: unknown): string {
  if (typeof v !== 'string') throw invalid(`${name} must be a string`);
  const code = normaliseDocumentNumber(v);
  if (!isCreditCode(code)) {
    throw new CodedError('VALIDATION_FAILED', `${name} must be an 18-character unified social credit code with its GB 32100 check character`);
  }
  return code;
}
