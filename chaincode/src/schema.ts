import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { CodedError } from './errors';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

/**
 * Compiles a JSON Schema once per distinct schema text. The same compiled
 * validator serves the chaincode (type registration) and the gateway
 * (claims validation before signing).
 */
const cache = new Map<string, ValidateFunction>();
const bySchemaObject = new WeakMap<object, ValidateFunction>();

export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const known = bySchemaObject.get(schema);
  if (known) return known;
  const cacheKey = JSON.stringify(schema);
  let fn = cache.get(cacheKey);
  if (!fn) {
    try {
      fn = ajv.compile(schema);
    } catch (err) {
      throw new CodedError('VALIDATION_FAILED', `schema is not a valid JSON Schema: ${(err as Error).message}`);
    }
    cache.set(cacheKey, fn);
  }
  bySchemaObject.set(schema, fn);
  return fn;
}

/** Validates `data` against `schema`; returns human-readable problems (empty when valid). */
export function schemaErrors(schema: Record<string, unknown>, data: unknown): string[] {
  const fn = compileSchema(schema);
  if (fn(data)) return [];
  return (fn.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}
