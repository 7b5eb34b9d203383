/** Fabric's composite-key namespace: composite keys start with U+0000. */
export const COMPOSITE_KEY_NS = '\u0000';
/** Separator between composite-key parts. */
export const MIN_UNICODE_RUNE = '\u0000';
/** Upper bound of a partial composite key range. */
export const MAX_UNICODE_RUNE = '\u{10FFFF}';
/** What an empty range start becomes, so that range scans skip composite keys. */
export const EMPTY_KEY_SUBSTITUTE = '\u0001';

function checkPart(part: unknown): asserts part is string {
  if (typeof part !== 'string' || part.length === 0) {
    throw new Error('object type or attribute not a non-zero length string');
  }
}

/** Builds a composite key exactly as fabric-shim does. */
export function createCompositeKey(objectType: string, attributes: string[]): string {
  checkPart(objectType);
  if (!Array.isArray(attributes)) throw new Error('attributes must be an array');
  let key = COMPOSITE_KEY_NS + objectType + MIN_UNICODE_RUNE;
  for (const attribute of attributes) {
    checkPart(attribute);
    key += attribute + MIN_UNICODE_RUNE;
  }
  return key;
}

/** Splits a composite key exactly as fabric-shim does. */
export function splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
  // fabric-shim answers objectType null for a simple key; its published type says string.
  const result = { objectType: null as unknown as string, attributes: [] as string[] };
  if (compositeKey && compositeKey.length > 1 && compositeKey.charAt(0) === COMPOSITE_KEY_NS) {
    const parts = compositeKey.substring(1).split(MIN_UNICODE_RUNE);
    result.objectType = parts[0];
    parts.pop();
    if (parts.length > 1) {
      parts.shift();
      result.attributes = parts;
    }
  }
  return result;
}

/** Rejects range bounds inside the composite-key namespace, as fabric-shim does. */
export function validateSimpleKeys(...keys: string[]): void {
  for (const key of keys) {
    if (key && key.charAt(0) === COMPOSITE_KEY_NS) {
      throw new Error(`first character of the key [${key}] contains a null character which is not allowed`);
    }
  }
}

/**
 * Orders keys as LevelDB orders their UTF-8 bytes (code point order).
 * Plain `<` compares UTF-16 units and puts astral characters before U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** A UTF-16 unit at or above the surrogates: the only place where `<` and code point order part ways. */
const HIGH_UNIT = /[\uD800-\uFFFF]/;

/**
 * Sorts items by key in store order ({@link compareKeys}). Keys without a
 * unit at or above U+D800 (in practice all of them) order the same under
 * the native comparison, which is several times faster for long shared prefixes.
 */
export function sortByKey<T extends { key: string }>(items: T[]): T[] {
  if (items.some((item) => HIGH_UNIT.test(item.key))) return items.sort((a, b) => compareKeys(a.key, b.key));
  return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** True when `key` lies in [start, end), or [start, end] with `endInclusive`; '' as end means unbounded. */
export function inRange(key: string, start: string, end: string, endInclusive: boolean): boolean {
  if (compareKeys(key, start) < 0) return false;
  if (end === '') return true;
  const c = compareKeys(key, end);
  return endInclusive ? c <= 0 : c < 0;
}
