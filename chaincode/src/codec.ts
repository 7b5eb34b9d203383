/**
 * Deterministic JSON: object keys sorted, no whitespace, `undefined` fields
 * dropped. Every value the chaincode writes or returns goes through here, so
 * that every endorser produces byte-identical read/write sets.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value));
}

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortValue(v)));
  if (value !== null && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(src).sort()) {
      const v = src[key];
      if (v !== undefined) out[key] = sortValue(v);
    }
    return out;
  }
  return value;
}

/** Encodes a value as canonical JSON bytes. */
export function encode(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Decodes JSON bytes written by {@link encode}. */
export function decode<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/**
 * Deepest nesting of arrays and objects accepted in JSON input. Recursive
 * readers (JSON.stringify, {@link canonicalJson}, schema validation, request
 * hashing) overflow the stack on a few thousand levels; no document of the
 * service needs more than a handful.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * True when the JSON text nests arrays and objects more than `max` levels
 * deep (`[]` is one level). It reads the text once, left to right, without
 * recursion or allocation, and stops at the first level too many, so it is
 * safe to run on hostile input before `JSON.parse`. Brackets inside string
 * literals do not count; a backslash escapes the character after it. Text
 * that is not JSON gets an answer too, which does not matter: the parser
 * refuses it anyway.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
