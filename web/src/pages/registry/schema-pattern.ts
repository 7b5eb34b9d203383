/**
 * Schema `pattern`s checked in the browser with the ledger's own linear-time
 * engine (RE2, through chaincode/src/schema-limits.ts), never with the
 * browser's backtracking RegExp: a registered pattern such as `^(a+)+$` would
 * otherwise freeze the tab on a value like `aaaa…a!`. Loaded on demand (see
 * pattern-engine.ts): RE2 is large, and only the issue forms need it.
 */
import { linearRegExp, withMatchBudget } from '../../../../chaincode/src/schema-limits';
import type { PatternCheck } from './field-spec';

/** A compiled pattern, or null when RE2 refuses it (the ledger then decides). */
const compiled = new Map<string, { test(s: string): boolean } | null>();

/** Most patterns kept compiled; past this the cache starts afresh. */
const MAX_CACHED = 200;

function compile(pattern: string): { test(s: string): boolean } | null {
  let re = compiled.get(pattern);
  if (re !== undefined) return re;
  try {
    // As the ledger's Ajv compiles it: ECMA-262 syntax, Unicode mode.
    re = linearRegExp(pattern, 'u');
  } catch {
    re = null;
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(pattern, re);
  return re;
}

/**
 * True or false as the ledger would answer, or undefined when the browser
 * cannot tell: RE2 cannot compile the pattern (backreferences, lookaround,
 * too large) or the value is too long for the ledger's match budget. The
 * ledger refuses those itself, with its own words.
 */
export const patternCheck: PatternCheck = (pattern, value) => {
  const re = compile(pattern);
  if (re === null) return undefined;
  try {
    return withMatchBudget(() => re.test(value));
  } catch {
    return undefined;
  }
};
