import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { CodedError } from './errors';
import { IDENTIFIER_FORMATS } from './identifier-formats';
import { isCreditCode, isResidentIdNumber, normaliseDocumentNumber } from './identifiers';
import { assertSchemaWithinLimits, linearRegExp, withMatchBudget, withProgramBudget } from './schema-limits';

export { IDENTIFIER_FORMATS };

/** Compiled validators kept at most; past this the cache starts afresh. */
export const MAX_CACHED_SCHEMAS = 1_000;


function newAjv(): Ajv2020 {
  // addUsedSchema: false keeps one type's `$id` from colliding with another's in the shared instance.
  const instance = new Ajv2020({ allErrors: true, strict: false, addUsedSchema: false, code: { regExp: linearRegExp } });
  addFormats(instance);
  instance.addFormat(IDENTIFIER_FORMATS.creditCode, { type: 'string', validate: (v: string) => isCreditCode(v) });
  instance.addFormat(IDENTIFIER_FORMATS.residentId, { type: 'string', validate: (v: string) => isResidentIdNumber(normaliseDocumentNumber(v)) });
  return instance;
}

let ajv = newAjv();

/**
 * One compiled validator per distinct schema, keyed by canonical JSON text.
 * The same compiled validator serves the chaincode (type registration) and
 * the gateway (claims validation before signing).
 */
const cache = new Map<string, ValidateFunction>();
const bySchemaObject = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a JSON Schema (draft 2020-12, with ajv-formats) once per distinct
 * schema. Refuses, with VALIDATION_FAILED, a schema beyond the limits of
 * `assertSchemaWithinLimits`, a regex the linear-time engine cannot run, and
 * anything Ajv cannot compile. Validate untrusted data with
 * {@link schemaErrors}, which also bounds the regex work of one validation.
 */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const known = bySchemaObject.get(schema);
  if (known) return known;
  const text = assertSchemaWithinLimits(schema);
  let fn = cache.get(text);
  if (!fn) {
    if (cache.size >= MAX_CACHED_SCHEMAS) {
      // The Ajv instance also keeps every schema it compiled, with its regexes
      // and `$id`s, so only a fresh instance releases them.
      cache.clear();
      ajv = newAjv();
    }
    try {
      // Compiling a private copy keeps later changes to the caller's object
      // from diverging from the cache key.
      const copy = JSON.parse(text) as Record<string, unknown>;
      fn = withProgramBudget(() => ajv.compile(copy));
    } catch (err) {
      if (err instanceof CodedError) throw err;
      throw new CodedError('VALIDATION_FAILED', `schema is not a valid JSON Schema: ${(err as Error).message}`);
    }
    cache.set(text, fn);
  }
  bySchemaObject.set(schema, fn);
  return fn;
}

/**
 * Validates `data` against `schema`; returns human-readable problems (empty
 * when valid). Throws VALIDATION_FAILED when the schema is refused (see
 * {@link compileSchema}) or when a value is too long to check against a
 * pattern within the regex work budget.
 */
export function schemaErrors(schema: Record<string, unknown>, data: unknown): string[] {
  const fn = compileSchema(schema);
  if (withMatchBudget(() => fn(data))) return [];
  return (fn.errors ?? []).map((e) => {
    const problem = `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`;
    // Which field is extra is what the caller needs to fix it; its name is theirs, so it is cut short below.
    const extra: unknown = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty?: unknown }).additionalProperty : undefined;
    return typeof extra === 'string' ? `${problem}: ${JSON.stringify(extra)}` : problem;
  });
}

/** Problems an answer lists at most; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;
/** Characters of one listed problem at most: it may quote a field name or path the caller chose. */
export const MAX_PROBLEM_CHARS = 160;

/** `text` cut to at most `max` characters, with an ellipsis when cut, never inside a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Problems as one line for an error answer: the first
 * {@link MAX_LISTED_PROBLEMS}, each cut to {@link MAX_PROBLEM_CHARS}, then
 * "and N more". A body that breaks a rule 250,000 times would otherwise get
 * an answer larger than itself (a few KB here, whatever the input).
 */
export function describeProblems(problems: readonly string[]): string {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => clip(p, MAX_PROBLEM_CHARS));
  const rest = problems.length - listed.length;
  return rest > 0 ? `${listed.join('; ')}; and ${rest} more` : listed.join('; ');
}
