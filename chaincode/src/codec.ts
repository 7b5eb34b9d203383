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

export { MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth';
