/**
 * A certificate type's JSON Schema read as a list of form fields, and the
 * browser's checks of what a clerk typed (or a CSV cell holds) against it.
 * The ledger checks again with the full schema; these catch the obvious
 * mistakes before anything is sent, with words beside the field.
 */
import { parseDate, parseDateTime } from '../../../../chaincode/src/dates';
import { isCreditCode, isResidentIdNumber, normaliseDocumentNumber } from '../../../../chaincode/src/identifiers';
import { IDENTIFIER_FORMATS } from '../../../../chaincode/src/identifier-formats';

/** How a field is entered. `unsupported` covers arrays and other shapes a form cannot offer (the type is then not issuable here). */
export type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'date' | 'date-time' | 'object' | 'unsupported';

/** A scalar a JSON Schema `enum` may list. */
export type EnumValue = string | number | boolean | null;

/** One property of a claims schema, with what the browser checks. */
export interface FieldSpec {
  name: string;
  /** Dotted path inside the claims, e.g. `spouse.name`. */
  path: string;
  kind: FieldKind;
  required: boolean;
  title?: string;
  description?: string;
  enumValues?: readonly EnumValue[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  children?: FieldSpec[];
}

/** Why a value was refused: a message key under `registry.problem.` and its values; `detail` keeps the server's words when there is no plain version. */
export interface Problem {
  key: string;
  values?: Record<string, string | number>;
  detail?: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function kindOf(prop: Json): FieldKind {
  if (Array.isArray(prop.enum)) return 'enum';
  if (prop.const !== undefined) return 'enum';
  // `["string", "null"]` and the like: the first non-null type decides.
  const declared: unknown = Array.isArray(prop.type) ? (prop.type as unknown[]).find((t) => t !== 'null') : prop.type;
  switch (declared) {
    case 'string':
      if (prop.format === 'date') return 'date';
      if (prop.format === 'date-time') return 'date-time';
      return 'string';
    case 'integer':
    case 'number':
    case 'boolean':
      return declared;
    case 'object':
      return isObject(prop.properties) ? 'object' : 'unsupported';
    case undefined:
      return isObject(prop.properties) ? 'object' : 'string';
    default:
      return 'unsupported';
  }
}

/** The fields of an object schema (`properties`, `required`), nested objects included as children. */
export function fieldsOf(schema: Json, prefix = ''): FieldSpec[] {
  const props = isObject(schema.properties) ? schema.properties : {};
  const requiredList = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  const required = new Set(requiredList);
  // The ledger stores schemas with sorted keys, so `properties` has lost the author's order; `required` keeps it, so those come first.
  const names = [...requiredList.filter((n) => Object.hasOwn(props, n)), ...Object.keys(props).filter((n) => !required.has(n))];
  const fields: FieldSpec[] = [];
  for (const name of names) {
    const raw = props[name];
    const prop = isObject(raw) ? raw : {};
    const kind = kindOf(prop);
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const spec: FieldSpec = {
      name,
      path,
      kind,
      required: required.has(name),
      title: str(prop.title),
      description: str(prop.description),
      format: str(prop.format),
      pattern: str(prop.pattern),
      minLength: num(prop.minLength),
      maxLength: num(prop.maxLength),
      minimum: num(prop.minimum),
      maximum: num(prop.maximum),
      exclusiveMinimum: num(prop.exclusiveMinimum),
      exclusiveMaximum: num(prop.exclusiveMaximum),
    };
    if (kind === 'enum') {
      const values = Array.isArray(prop.enum) ? prop.enum : [prop.const];
      spec.enumValues = values.filter((v): v is EnumValue => v === null || ['string', 'number', 'boolean'].includes(typeof v));
    }
    if (kind === 'object') spec.children = fieldsOf(prop, path);
    fields.push(spec);
  }
  return fields;
}

/** True when every required field can be entered in a form (no required arrays or other unsupported shapes). */
export function formCanIssue(fields: readonly FieldSpec[]): boolean {
  return fields.every((f) => (f.kind === 'unsupported' ? !f.required : f.kind === 'object' ? formCanIssue(f.children ?? []) : true));
}

/** A date-time typed in a `datetime-local` input (no zone) read in the browser's zone, as ISO-8601 with that offset. */
export function localToOffsetIso(local: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return undefined;
  const when = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'));
  if (Number.isNaN(when.getTime()) || when.getDate() !== Number(m[3])) return undefined;
  return withOffset(when);
}

/** A moment written in the browser's zone with its offset, e.g. 2026-03-01T08:00:00+08:00: the ledger needs a zone on every date-time. */
export function withOffset(when: Date): string {
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const off = -when.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return (
    `${pad(when.getFullYear(), 4)}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}` +
    `T${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}` +
    `${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`
  );
}

/** Length as JSON Schema counts it: in code points, not UTF-16 units. */
const length = (s: string): number => [...s].length;

const YES = /^(true|yes|y|1|是)$/i;
const NO = /^(false|no|n|0|否)$/i;

/** The number bounds of a field, as a problem when `n` is outside them. */
function boundsProblem(spec: FieldSpec, n: number): Problem | undefined {
  if (spec.minimum !== undefined && n < spec.minimum) return { key: 'minimum', values: { n: spec.minimum } };
  if (spec.maximum !== undefined && n > spec.maximum) return { key: 'maximum', values: { n: spec.maximum } };
  if (spec.exclusiveMinimum !== undefined && n <= spec.exclusiveMinimum) return { key: 'exclusiveMinimum', values: { n: spec.exclusiveMinimum } };
  if (spec.exclusiveMaximum !== undefined && n >= spec.exclusiveMaximum) return { key: 'exclusiveMaximum', values: { n: spec.exclusiveMaximum } };
  return undefined;
}

function stringProblem(spec: FieldSpec, s: string, patterns: PatternCheck | undefined): Problem | undefined {
  if (spec.minLength !== undefined && length(s) < spec.minLength) return { key: 'minLength', values: { n: spec.minLength } };
  if (spec.maxLength !== undefined && length(s) > spec.maxLength) return { key: 'maxLength', values: { n: spec.maxLength } };
  // Without the linear-time engine, or for a pattern it cannot run, the ledger decides (it checks every pattern anyway).
  if (spec.pattern !== undefined && patterns?.(spec.pattern, s) === false) return { key: 'pattern' };
  if (spec.format === IDENTIFIER_FORMATS.creditCode && !isCreditCode(s)) return { key: 'creditCode' };
  if (spec.format === IDENTIFIER_FORMATS.residentId && !isResidentIdNumber(normaliseDocumentNumber(s))) return { key: 'idNumber' };
  if (spec.format === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) return { key: 'email' };
  return undefined;
}

/**
 * Tests a value against a schema `pattern` in linear time: true or false, or
 * undefined when it cannot tell (the ledger then decides). Schema patterns
 * come from whoever registered the type, so they are never run with the
 * browser's backtracking RegExp: see schema-pattern.ts, loaded with
 * pattern-engine.ts.
 */
export type PatternCheck = (pattern: string, value: string) => boolean | undefined;

/**
 * One non-empty entry (already trimmed) as the value the claims carry, or
 * why not. Identifier formats are normalised (half-width, upper case, no
 * spaces) because the ledger compares them in that form. `pattern` is
 * checked only with `patterns`.
 */
export function checkValue(spec: FieldSpec, raw: string, patterns?: PatternCheck): { value: unknown } | { problem: Problem } {
  switch (spec.kind) {
    case 'integer': {
      if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) return { problem: { key: 'integer' } };
      const n = Number(raw);
      const p = boundsProblem(spec, n);
      return p ? { problem: p } : { value: n };
    }
    case 'number': {
      const n = Number(raw);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) || !Number.isFinite(n)) return { problem: { key: 'number' } };
      const p = boundsProblem(spec, n);
      return p ? { problem: p } : { value: n };
    }
    case 'boolean':
      if (YES.test(raw)) return { value: true };
      if (NO.test(raw)) return { value: false };
      return { problem: { key: 'boolean' } };
    case 'enum': {
      const found = (spec.enumValues ?? []).find((v) => String(v) === raw);
      return found === undefined ? { problem: { key: 'enum', values: { values: (spec.enumValues ?? []).map(String).join(', ') } } } : { value: found };
    }
    case 'date':
      return parseDate(raw) === undefined ? { problem: { key: 'date' } } : { value: raw };
    case 'date-time': {
      const iso = parseDateTime(raw) !== undefined ? raw : localToOffsetIso(raw);
      return iso === undefined ? { problem: { key: 'dateTime' } } : { value: iso };
    }
    case 'string': {
      const isIdentifier = spec.format === IDENTIFIER_FORMATS.creditCode || spec.format === IDENTIFIER_FORMATS.residentId;
      const s = isIdentifier ? normaliseDocumentNumber(raw) : raw;
      const p = stringProblem(spec, s, patterns);
      return p ? { problem: p } : { value: s };
    }
    default:
      return { problem: { key: 'unsupported' } };
  }
}

/** What a form or a CSV row gives: claims to send, and problems by field path (empty when none). */
export interface BuiltClaims {
  claims: Record<string, unknown>;
  problems: Record<string, Problem>;
}

/**
 * Builds the claims object from entries keyed by field path. An empty entry
 * is an absent claim (the schema decides whether that is allowed). A nested
 * object is sent when it is required or when any of its fields is filled in.
 * Schema patterns are checked only with `patterns` (see {@link PatternCheck}).
 */
export function buildClaims(fields: readonly FieldSpec[], entries: Readonly<Record<string, string | undefined>>, patterns?: PatternCheck): BuiltClaims {
  const problems: Record<string, Problem> = {};
  const walk = (specs: readonly FieldSpec[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const spec of specs) {
      if (spec.kind === 'object') {
        const children = spec.children ?? [];
        if (spec.required || anyFilled(children, entries)) out[spec.name] = walk(children);
        continue;
      }
      const raw = (entries[spec.path] ?? '').trim();
      if (spec.kind === 'unsupported') {
        if (spec.required) problems[spec.path] = { key: 'unsupported' };
        continue;
      }
      if (raw === '') {
        if (spec.required) problems[spec.path] = { key: 'required' };
        continue;
      }
      const r = checkValue(spec, raw, patterns);
      if ('problem' in r) problems[spec.path] = r.problem;
      else out[spec.name] = r.value;
    }
    return out;
  };
  const claims = walk(fields);
  return { claims, problems };
}

function anyFilled(specs: readonly FieldSpec[], entries: Readonly<Record<string, string | undefined>>): boolean {
  return specs.some((s) => (s.kind === 'object' ? anyFilled(s.children ?? [], entries) : (entries[s.path] ?? '').trim() !== ''));
}

/** Every leaf field (depth first), for focusing the first invalid one and for CSV columns. */
export function leaves(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.flatMap((f) => (f.kind === 'object' ? leaves(f.children ?? []) : [f]));
}
