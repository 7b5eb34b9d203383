// The JSON nesting bound, apart from the codec (which needs Node's Buffer) so that browser code can share the rules that use it.

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
