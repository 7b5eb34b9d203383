import type { PatternCheck } from './field-spec';

let loading: Promise<PatternCheck | undefined> | undefined;

/**
 * The linear-time pattern check (schema-pattern.ts), loaded the first time a
 * form asks for it. Undefined when its code cannot be loaded: the form then
 * leaves patterns to the ledger rather than fall back to the backtracking
 * RegExp, and the next call tries again.
 */
export function loadPatternCheck(): Promise<PatternCheck | undefined> {
  loading ??= import('./schema-pattern').then(
    (m) => m.patternCheck,
    () => {
      loading = undefined;
      return undefined;
    },
  );
  return loading;
}
