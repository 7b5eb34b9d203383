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
  return (fn.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}
