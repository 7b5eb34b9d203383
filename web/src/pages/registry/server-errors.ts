/**
 * The gateway's VALIDATION_FAILED details, read back to the field they name.
 * The gateway words them `<where>.<field> <rule>` (see gateway/src/domain/input.ts
 * and chaincode/src/identifiers.ts) and a schema mismatch as
 * `<where>.claims do not match the <type> schema: <ajv problem>; …` with each
 * Ajv problem `/<json pointer> <message>` or `(root) <message>` (see
 * chaincode/src/schema.ts). Anything not understood stays whole, for the top
 * of the form.
 */
import { IDENTIFIER_FORMATS } from '../../../../chaincode/src/identifier-formats';
import type { Problem } from './field-spec';

/** One problem, with the field path it belongs to (`holder.idNumber`, `claims.spouse.name`, …) when known. */
export interface PlacedProblem {
  field?: string;
  problem: Problem;
}

/** Ajv's messages (English, stable across Ajv 8) as plain-word problems. */
function ajvProblem(message: string): Problem {
  let m: RegExpExecArray | null;
  if ((m = /^must be (>=|>|<=|<) (-?[\d.e+]+)$/.exec(message))) {
    const key = { '>=': 'minimum', '>': 'exclusiveMinimum', '<=': 'maximum', '<': 'exclusiveMaximum' }[m[1] as '>=' | '>' | '<=' | '<'];
    return { key, values: { n: m[2] } };
  }
  if ((m = /^must NOT have fewer than (\d+) characters$/.exec(message))) return { key: 'minLength', values: { n: m[1] } };
  if ((m = /^must NOT have more than (\d+) characters$/.exec(message))) return { key: 'maxLength', values: { n: m[1] } };
  if (/^must be integer$/.test(message)) return { key: 'integer' };
  if (/^must be number$/.test(message)) return { key: 'number' };
  if (/^must be boolean$/.test(message)) return { key: 'boolean' };
  if (/^must be equal to one of the allowed values$/.test(message)) return { key: 'enum', values: { values: '' } };
  if (/^must match pattern /.test(message)) return { key: 'pattern' };
  if ((m = /^must match format "([^"]+)"$/.exec(message))) {
    if (m[1] === 'date') return { key: 'date' };
    if (m[1] === 'date-time') return { key: 'dateTime' };
    if (m[1] === IDENTIFIER_FORMATS.creditCode) return { key: 'creditCode' };
    if (m[1] === IDENTIFIER_FORMATS.residentId) return { key: 'idNumber' };
  }
  return { key: 'invalid', detail: message };
}

/** The schema problems of a `claims do not match` detail, each placed under `claims.<path>`. */
function claimProblems(list: string, claimsField: string): PlacedProblem[] {
  return list.split('; ').map((part): PlacedProblem => {
    const req = /^(\(root\)|\/\S*) must have required property '([^']+)'$/.exec(part);
    if (req) {
      const parent = req[1] === '(root)' ? '' : pointerToPath(req[1]);
      return { field: [claimsField, parent, req[2]].filter(Boolean).join('.'), problem: { key: 'required' } };
    }
    const m = /^(\(root\)|\/\S*) (.+)$/.exec(part);
    if (!m) return { problem: { key: 'invalid', detail: part } };
    if (m[2] === 'must NOT have additional properties') return { problem: { key: 'additional' } };
    const path = m[1] === '(root)' ? claimsField : `${claimsField}.${pointerToPath(m[1])}`;
    return { field: path, problem: ajvProblem(m[2]) };
  });
}

/** `/spouse/name` as `spouse.name` (JSON Pointer escapes undone). */
function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** A rule of one named field (`<field> <rule>`) as a plain-word problem. */
function fieldRule(field: string, rule: string): Problem {
  let m: RegExpExecArray | null;
  if (rule === 'is required' || rule === 'must not be empty' || rule === 'must be a non-empty string') return { key: 'required' };
  if ((m = /^(?:must be at most|is longer than) (\d+) characters/.exec(rule))) return { key: 'maxLength', values: { n: m[1] } };
  if (/^is not a valid resident ID number/.test(rule)) return { key: 'idNumber' };
  if (/^is not a valid \S+ number/.test(rule)) return { key: 'documentNumber' };
  if (/^must be one of /.test(rule)) return { key: 'enum', values: { values: rule.slice('must be one of '.length) } };
  if (/^must match /.test(rule) && /(^|\.)(id|type)$/.test(field)) return { key: 'id' };
  if (/^must be an 18-character unified social credit code/.test(rule)) return { key: 'creditCode' };
  if (/^must be after validFrom$/.test(rule)) return { key: 'validUntilOrder' };
  // A refused schema (Ajv cannot compile it, a limit, a pattern): plain words, then the gateway's own.
  if (field === 'schema') return { key: 'schemaInvalid', detail: rule };
  if (/^must be a date /.test(rule) || /^must be an ISO-8601 date-time/.test(rule)) return { key: 'dateTime' };
  return { key: 'invalid', detail: rule };
}

/**
 * Places a VALIDATION_FAILED detail. `where` is the prefix the gateway used
 * for this body: `body` for one certificate, `items[3]` for a batch item,
 * `''` for bodies whose fields are named bare (a type, a charity).
 */
export function placeDetail(detail: string, where: string): PlacedProblem[] {
  const prefix = where === '' ? '' : `${where}.`;
  if (prefix !== '' && !detail.startsWith(prefix)) return [{ problem: { key: 'invalid', detail } }];
  const rest = detail.slice(prefix.length);
  const schema = /^claims do not match the \S+ schema: (.*)$/s.exec(rest);
  if (schema) return claimProblems(schema[1], 'claims');
  const m = /^([A-Za-z][\w]*(?:\.[A-Za-z][\w]*|\[\d+\])*) (.+)$/s.exec(rest);
  if (!m) return [{ problem: { key: 'invalid', detail } }];
  const field = m[1].replace(/\[\d+\]$/, '');
  return [{ field, problem: fieldRule(field, m[2]) }];
}

/** The batch item a detail names (`items[3]…` → 3), or undefined. */
export function itemIndexOf(detail: string): number | undefined {
  const m = /^items\[(\d+)\]/.exec(detail);
  return m ? Number(m[1]) : undefined;
}

/**
 * Sorts placed problems into those on a field the form has (`known`) and the
 * rest, for the top of the form. A rest problem without plain words carries
 * the whole detail, since the field it named is not on the form.
 */
export function splitPlaced(placed: readonly PlacedProblem[], known: ReadonlySet<string>, detail: string): { fields: Record<string, Problem>; top: Problem[] } {
  const fields: Record<string, Problem> = {};
  const top: Problem[] = [];
  for (const p of placed) {
    if (p.field !== undefined && known.has(p.field)) fields[p.field] ??= p.problem;
    else top.push(p.problem.key === 'invalid' ? { key: 'invalid', detail } : p.problem);
  }
  return { fields, top };
}
