import { CodedError } from './errors';
import { isResidentIdNumber } from './identifiers';
import { requireString } from './validate';

/** What a screen found in free text. */
export type PersonalDataKind = 'ID number' | 'phone number' | 'bank card number' | 'long run of digits';

/*
 * The screen reads text as runs of digit groups. A digit is any form people
 * or input methods write one in: ASCII, full-width, other scripts' decimal
 * digits, circled and bold digits, and Chinese numerals (一…九, 〇 and 零,
 * the financial 壹…玖, 两 and 幺 as read out in phone numbers). Groups are
 * joined by gaps of at most MAX_GAP separator characters. A gap is tight when
 * it holds only characters that split one number as people print it
 * (spaces, dashes, dots, slashes, underscores, parentheses, plus); any other
 * punctuation or symbol makes it loose. Letters and ideographs end a run, so
 * a Chinese number with 十百千万亿 in it is read as single digits, an amount.
 * Invisible characters (zero-width spaces, joiners, combining marks) are
 * skipped as if absent.
 *
 * Every table below is written out rather than read from the engine's
 * Unicode data, so every peer classifies every character alike.
 */

/** Longest number the screen looks for (a bank card); a longer run may hide one. */
const MAX_NUMBER = 19;
/** Most separator characters between two groups of one number: `138 - 1234`. */
const MAX_GAP = 3;

const X = 10;
const TIGHT = 11;
const LOOSE = 12;
const SKIP = 13;
const BREAK = 14;

/** First code points of the Unicode 17 decimal-digit (Nd) blocks of ten; two blocks are longer. */
const DECIMAL_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090,
  0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
  0xff10, 0x104a0, 0x10d30, 0x10d40, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x116d0, 0x11730,
  0x118e0, 0x11950, 0x11bf0, 0x11c50, 0x11d50, 0x11da0, 0x11de0, 0x11f50, 0x16130, 0x16a60, 0x16ac0, 0x16b50, 0x16d70, 0x1ccf0, 0x1d7ce,
  0x1e140, 0x1e2f0, 0x1e4f0, 0x1e5f1, 0x1e950, 0x1fbf0,
];
const LONG_DECIMAL_BLOCKS: ReadonlyMap<number, number> = new Map([
  [0x116d0, 20],
  [0x1d7ce, 50],
]);

/** [first, last, value of first] of other digit forms: super- and subscripts, circled, parenthesised, Suzhou numerals. */
const OTHER_DIGITS: ReadonlyArray<readonly [number, number, number]> = [
  [0xb2, 0xb3, 2],
  [0xb9, 0xb9, 1],
  [0x2070, 0x2070, 0],
  [0x2074, 0x2079, 4],
  [0x2080, 0x2089, 0],
  [0x2460, 0x2468, 1],
  [0x2474, 0x247c, 1],
  [0x2488, 0x2490, 1],
  [0x24ea, 0x24ea, 0],
  [0x24f5, 0x24fd, 1],
  [0x24ff, 0x24ff, 0],
  [0x2776, 0x277e, 1],
  [0x2780, 0x2788, 1],
  [0x278a, 0x2792, 1],
  [0x3021, 0x3029, 1],
  [0x3220, 0x3228, 1],
  [0x3280, 0x3288, 1],
];

/** Digit blocks sorted by first code point, for a binary search. */
const DIGIT_BLOCKS: ReadonlyArray<readonly [number, number, number]> = [
  ...DECIMAL_ZEROS.map((z): readonly [number, number, number] => [z, z + (LONG_DECIMAL_BLOCKS.get(z) ?? 10) - 1, 0]),
  ...OTHER_DIGITS,
].sort((a, b) => a[0] - b[0]);

/** Chinese numerals written for single digits, by value. 两 and 幺 are how 2 and 1 are read out in phone numbers. */
const CHINESE_DIGITS: ReadonlyMap<number, number> = new Map(
  ['〇零', '一壹弌幺', '二贰貳弍两兩', '三叁參弎', '四肆', '五伍', '六陆陸', '七柒', '八捌', '九玖'].flatMap((chars, value) =>
    [...chars].map((c): [number, number] => [c.codePointAt(0) ?? 0, value]),
  ),
);

/** Invisible characters: format controls, variation selectors, combining marks (keycaps among them), tags. */
const SKIPPED: ReadonlyArray<readonly [number, number]> = [
  [0xad, 0xad],
  [0x300, 0x36f],
  [0x61c, 0x61c],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x20d0, 0x20ff],
  [0x302a, 0x302f],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
  [0xfeff, 0xfeff],
  [0xe0000, 0xe0fff],
];

/** Non-ASCII separators that split one number: spaces, dashes and minus signs, dots and bullets, slashes, small forms. */
const TIGHT_SEPARATORS: ReadonlyArray<readonly [number, number]> = [
  [0xa0, 0xa0],
  [0xb7, 0xb7],
  [0x387, 0x387],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2010, 0x2015],
  [0x2022, 0x2022],
  [0x2024, 0x2024],
  [0x2027, 0x2027],
  [0x202f, 0x202f],
  [0x2043, 0x2044],
  [0x205f, 0x205f],
  [0x2212, 0x2212],
  [0x2215, 0x2215],
  [0x2219, 0x2219],
  [0x22c5, 0x22c5],
  [0x2e3a, 0x2e3b],
  [0x30fb, 0x30fc],
  [0xfe4d, 0xfe4f],
  [0xfe52, 0xfe52],
  [0xfe58, 0xfe5a],
  [0xfe62, 0xfe63],
  [0xff65, 0xff65],
];

/** Other punctuation and symbols (CJK punctuation, arrows, shapes, emoji…): separators that make a gap loose. */
const LOOSE_SEPARATORS: ReadonlyArray<readonly [number, number]> = [
  [0x80, 0xbf],
  [0xd7, 0xd7],
  [0xf7, 0xf7],
  [0x2016, 0x205e],
  [0x2070, 0x2bff],
  [0x2e00, 0x2e7f],
  [0x3001, 0x3004],
  [0x3008, 0x3020],
  [0x3030, 0x3030],
  [0x3200, 0x33ff],
  [0xfe10, 0xfe1f],
  [0xfe30, 0xfe6f],
  [0xff5f, 0xff64],
  [0xffe0, 0xffff],
  [0x1f000, 0x1fbff],
];

/** ASCII characters that split one number. */
const ASCII_TIGHT = ' \t-./\\_()+';

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number, ...number[]]>): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid][0]) hi = mid - 1;
    else if (cp > ranges[mid][1]) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Full-width ASCII forms and the ideographic space as ASCII. */
function fold(cp: number): number {
  if (cp >= 0xff01 && cp <= 0xff5e) return cp - 0xfee0;
  return cp === 0x3000 ? 0x20 : cp;
}

const isAsciiLetter = (cp: number): boolean => (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);

/** A digit's value (0–9), or X, TIGHT, LOOSE, SKIP or BREAK. */
function charClass(raw: number): number {
  const cp = fold(raw);
  if (cp < 0x80) {
    if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
    if (cp === 0x58 || cp === 0x78) return X;
    if (isAsciiLetter(cp)) return BREAK;
    return ASCII_TIGHT.includes(String.fromCharCode(cp)) ? TIGHT : LOOSE;
  }
  const chinese = CHINESE_DIGITS.get(cp);
  if (chinese !== undefined) return chinese;
  const block = inRanges(cp, DIGIT_BLOCKS);
  if (block >= 0) return (DIGIT_BLOCKS[block][2] + cp - DIGIT_BLOCKS[block][0]) % 10;
  if (inRanges(cp, SKIPPED) >= 0) return SKIP;
  if (inRanges(cp, TIGHT_SEPARATORS) >= 0) return TIGHT;
  if (inRanges(cp, LOOSE_SEPARATORS) >= 0) return LOOSE;
  return BREAK;
}

/** Area code and local number of a landline, without the trunk 0: `10 62345678`, `371 6123456`. */
const LANDLINE = '(?:(?:10|2\\d)[2-9]\\d{6,7}|[3-9]\\d{2}[2-9]\\d{6,7})';
/** A mobile (1[3-9] and nine digits) or a landline (0, area code, local number), with or without 86 or 0086. */
const PHONE = new RegExp(`^(?:(?:00)?86)?(?:1[3-9]\\d{9}|0${LANDLINE})$|^(?:00)?86${LANDLINE}$`);

/** The Luhn check that card numbers carry (most UnionPay 62 cards among them). */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 0x30;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A digit string with nothing between its digits, judged by its length as the screen always did. */
function judgeBare(run: string): PersonalDataKind | undefined {
  if (PHONE.test(run)) return 'phone number';
  const n = run.length;
  if (n === 18 || n === 15) return 'ID number';
  if (n >= 16 && n <= MAX_NUMBER) return 'bank card number';
  if (n > MAX_NUMBER) return 'long run of digits';
  return undefined;
}

/**
 * Groups `from`..`to` (at least two) split the way a number is printed
 * rather than the way dates, times and amounts are: every group but the last
 * has at least 3 digits (`6222 0210 0112 3456 789`, `622202 1001123456789`),
 * or there are three or more and all but the last are alike (`6 2 2 2 …`,
 * `62 22 02 …`). Dates have 1- and 2-digit groups between longer ones.
 */
function splitLikeNumber(groups: readonly string[], from: number, to: number): boolean {
  let long = true;
  let alike = to - from >= 2;
  for (let k = from; k < to; k++) {
    if (groups[k].length < 3) long = false;
    if (groups[k].length !== groups[from].length) alike = false;
  }
  return long || alike;
}

/**
 * Groups `from`..`to` (at least two) split the way a phone number is printed:
 * after a country code 86 or 0086, an area code or mobile prefix of any
 * length, then groups of at least 3 digits (`+86 10 6234 5678`,
 * `(010)6234 5678`, `138.1234.5678`); or digit by digit. Dates have 1- and
 * 2-digit groups between the others, so a list of them never joins into a
 * phone number (`2026-06-30 2026-12-31` holds `06 30 2026 12 31`, which
 * joined is the landline `0630 20261231`). The first and last groups may be
 * short only where the stretch of tight gaps starts and ends, so the day of
 * a date beside a number is not read as an area code.
 */
function splitLikePhone(groups: readonly string[], from: number, to: number, startsStretch: boolean, endsStretch: boolean): boolean {
  const country = groups[from] === '86' || groups[from] === '0086';
  const first = country && to > from + 1 ? from + 1 : from;
  let long = (startsStretch || country || groups[from].length >= 3) && (endsStretch || groups[to].length >= 3);
  let single = true;
  for (let k = from; k < to; k++) {
    if (k > first && groups[k].length < 3) long = false;
    if (groups[k].length !== 1) single = false;
  }
  return long || single;
}

/** Some three groups in a row read as a date: a year from 1880 to 2199, a month and a day of 1 or 2 digits. */
function holdsDate(groups: readonly string[]): boolean {
  for (let k = 0; k + 2 < groups.length; k++) {
    if (groups[k].length !== 4 || groups[k + 1].length > 2 || groups[k + 2].length > 2) continue;
    const [y, m, d] = [Number(groups[k]), Number(groups[k + 1]), Number(groups[k + 2])];
    if (y >= 1880 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= 31) return true;
  }
  return false;
}

/**
 * Groups joined by tight gaps only. 16 to 19 digits are a bank card when
 * split like a printed number, or, split any other way, when they pass Luhn,
 * start as card numbers do (3 to 6, or 9; years start with 1 or 2) and hold
 * no date; more than 19 split like a number may hide one.
 */
function judgeTight(groups: readonly string[]): PersonalDataKind | undefined {
  const last = groups.length - 1;
  let total = 0;
  for (const g of groups) total += g.length;
  if (total > MAX_NUMBER && splitLikeNumber(groups, 0, last)) return 'long run of digits';
  if (total >= 16 && total <= MAX_NUMBER) {
    const joined = groups.join('');
    if (/^[3-69]/.test(joined) && passesLuhn(joined) && !holdsDate(groups)) return 'bank card number';
  }
  for (let from = 0; from < last; from++) {
    let n = groups[from].length;
    for (let to = from + 1; to <= last && n + groups[to].length <= MAX_NUMBER; to++) {
      n += groups[to].length;
      // A card ends the stretch or ends in a group of 3 or more, not in the year and month of a date that follows.
      const ends = to === last || groups[to].length >= 3;
      if (n >= 16 && ends && splitLikeNumber(groups, from, to)) return 'bank card number';
    }
  }
  return undefined;
}

/**
 * A run of groups, with `tight[k]` for the gap after `groups[k]`. Each group
 * alone is judged as bare digits. Two or more consecutive groups are an ID
 * number when joined they pass GB 11643 (the check character makes chance
 * matches rare, so any gap will do), and a phone number when, joined by tight
 * gaps and split as phone numbers are, they are one. Then each stretch of
 * tight gaps is judged for bank cards and long runs.
 */
function judgeRun(groups: readonly string[], tight: readonly boolean[]): PersonalDataKind | undefined {
  for (const g of groups) {
    const found = judgeBare(g);
    if (found) return found;
  }
  for (let from = 0; from < groups.length - 1; from++) {
    let joined = groups[from];
    let allTight = true;
    for (let to = from + 1; to < groups.length && joined.length + groups[to].length <= MAX_NUMBER; to++) {
      joined += groups[to];
      allTight &&= tight[to - 1];
      if (joined.length === 18 && isResidentIdNumber(joined)) return 'ID number';
      const startsStretch = from === 0 || !tight[from - 1];
      const endsStretch = to === groups.length - 1 || !tight[to];
      if (allTight && joined.length >= 10 && joined.length <= 15 && PHONE.test(joined) && splitLikePhone(groups, from, to, startsStretch, endsStretch)) {
        return 'phone number';
      }
    }
  }
  const digitsOnly = groups.map((g) => (g.endsWith('X') ? g.slice(0, -1) : g));
  let start = 0;
  for (let k = 0; k < digitsOnly.length; k++) {
    if (k === digitsOnly.length - 1 || !tight[k]) {
      if (k > start) {
        const found = judgeTight(digitsOnly.slice(start, k + 1));
        if (found) return found;
      }
      start = k + 1;
    }
  }
  return undefined;
}

/**
 * Looks for an ID-number-like, phone-like or bank-card-like sequence in text,
 * or a run of digits long enough to hide one, in any of the digit forms and
 * separators described above. Linear in the length of the text: each run is
 * read once, and only windows of at most 19 digits are joined and tested.
 */
export function findPersonalData(text: string): PersonalDataKind | undefined {
  let groups: string[] = [];
  let tight: boolean[] = [];
  let group = '';
  let gap = 0;
  let gapTight = true;
  const endRun = (): PersonalDataKind | undefined => {
    const found = group === '' ? undefined : judgeRun([...groups, group], tight);
    groups = [];
    tight = [];
    group = '';
    gap = 0;
    return found;
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
    const c = charClass(cp);
    if (c < 10) {
      if (group !== '' && gap > 0) {
        groups.push(group);
        tight.push(gapTight);
        group = '';
      }
      group += String(c);
      gap = 0;
    } else if (c === SKIP) {
      continue;
    } else if (c === TIGHT || c === LOOSE) {
      if (group === '') continue;
      if (gap === 0) gapTight = true;
      gap++;
      if (c === LOOSE) gapTight = false;
      if (gap > MAX_GAP) {
        const found = endRun();
        if (found) return found;
      }
    } else {
      // The check character X ends an ID number when it follows a digit and no letter follows it.
      const checkChar = c === X && group !== '' && gap === 0 && !(i < text.length && isAsciiLetter(fold(text.codePointAt(i) ?? 0)));
      if (checkChar) group += 'X';
      const found = endRun();
      if (found) return found;
    }
  }
  return endRun();
}

/**
 * Free text that goes on chain (reasons, memos, payees, titles, names of
 * organisations): a non-empty string of at most `max` characters with no
 * ID-number-, phone- or bank-card-like sequence in it, nor a run of digits
 * long enough to hide one (see {@link findPersonalData}). Every member reads
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
