/**
 * A credential's claims cut to what a page can show. The payload comes from
 * whoever made the link, so it may nest thousands of levels deep or hold
 * millions of entries: rendering that as nested lists would overflow the
 * stack or freeze the tab. The tree built here has at most
 * {@link MAX_CLAIM_DEPTH} levels and {@link MAX_CLAIM_FACTS} facts, and every
 * text in it is at most {@link MAX_VALUE_CHARS} long; what is cut is marked
 * so the page can say so. Building it recurses at most MAX_CLAIM_DEPTH deep.
 */

/** Deepest level of nested objects shown; the top-level claims are level 1. A deeper object shows as a note. */
export const MAX_CLAIM_DEPTH = 8;
/** Most facts (claims and the fields of nested objects) shown in all. */
export const MAX_CLAIM_FACTS = 200;
/** Most items of one list shown. */
export const MAX_LIST_ITEMS = 50;
/** Longest text shown for one key or value, in UTF-16 code units. */
export const MAX_VALUE_CHARS = 1_000;

export type Scalar = string | number | boolean | null;

/** One shown value of a list: a scalar, or anything else as short JSON text. */
export type ListItem = { kind: 'scalar'; value: Scalar } | { kind: 'json'; text: string };

export type ClaimValue =
  | { kind: 'scalar'; value: Scalar }
  | { kind: 'list'; items: ListItem[]; more: number }
  | { kind: 'object'; facts: ClaimFact[]; more: number }
  /** An object below {@link MAX_CLAIM_DEPTH}: not shown. */
  | { kind: 'tooDeep' };

export interface ClaimFact {
  key: string;
  value: ClaimValue;
}

/** The facts of one level, and how many of that level's entries were left out because the page shows enough already. */
export interface ClaimLevel {
  facts: ClaimFact[];
  more: number;
}

/** A text cut to `max` code units, with an ellipsis when cut (never splitting a surrogate pair). */
export function cut(text: string, max = MAX_VALUE_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

const isScalar = (v: unknown): v is Scalar => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function scalar(value: Scalar): Scalar {
  return typeof value === 'string' ? cut(value) : value;
}

/**
 * JSON text of `value`, at most `max` characters and {@link MAX_CLAIM_DEPTH}
 * levels (deeper parts become `…`). Unlike JSON.stringify it stops as soon as
 * the text is long enough, whatever the size of the value.
 */
export function shortJson(value: unknown, max = MAX_VALUE_CHARS): string {
  const out: string[] = [];
  let length = 0;
  const push = (s: string): boolean => {
    out.push(s);
    length += s.length;
    return length < max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (isScalar(v)) return push(typeof v === 'string' ? JSON.stringify(cut(v, max)) : String(v));
    if (typeof v !== 'object') return push('null');
    if (depth >= MAX_CLAIM_DEPTH) return push('…');
    const array = Array.isArray(v);
    if (!push(array ? '[' : '{')) return false;
    let first = true;
    if (array) {
      for (const item of v as unknown[]) {
        if (!first && !push(',')) return false;
        first = false;
        if (!walk(item, depth + 1)) return false;
      }
    } else {
      for (const key of Object.keys(v as object)) {
        if (!first && !push(',')) return false;
        first = false;
        if (!push(`${JSON.stringify(cut(key, max))}:`)) return false;
        if (!walk((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
    }
    return push(array ? ']' : '}');
  };
  walk(value, 1);
  return cut(out.join(''), max);
}

function valueOf(value: unknown, depth: number, budget: { facts: number }): ClaimValue {
  if (isScalar(value)) return { kind: 'scalar', value: scalar(value) };
  if (typeof value !== 'object') return { kind: 'scalar', value: null };
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_LIST_ITEMS);
    const items = shown.map((v): ListItem => (isScalar(v) ? { kind: 'scalar', value: scalar(v) } : { kind: 'json', text: shortJson(v) }));
    return { kind: 'list', items, more: value.length - shown.length };
  }
  if (depth >= MAX_CLAIM_DEPTH) return { kind: 'tooDeep' };
  return { kind: 'object', ...level(Object.entries(value as Record<string, unknown>), depth + 1, budget) };
}

function level(entries: ReadonlyArray<readonly [string, unknown]>, depth: number, budget: { facts: number }): ClaimLevel {
  const facts: ClaimFact[] = [];
  for (const [key, value] of entries) {
    if (budget.facts <= 0) break;
    budget.facts--;
    facts.push({ key: cut(key), value: valueOf(value, depth, budget) });
  }
  return { facts, more: entries.length - facts.length };
}

/** The claims of a credential as a bounded tree (see the module comment). */
export function claimTree(claims: ReadonlyArray<readonly [string, unknown]>): ClaimLevel {
  return level(claims, 1, { facts: MAX_CLAIM_FACTS });
}
