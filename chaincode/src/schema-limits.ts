import { RE2JS } from 're2js';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types';
import { canonicalJson } from './codec';
import { CodedError } from './errors';

/** Largest certificate-type schema accepted, in UTF-8 bytes of its canonical JSON. */
export const MAX_SCHEMA_BYTES = 32 * 1024;

/** Deepest nesting of objects and arrays accepted in a schema (the schema object itself is level 1). */
export const MAX_SCHEMA_DEPTH = 16;

/** Longest regular expression accepted in a schema, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 512;

/**
 * Largest compiled program accepted for one schema regex, in RE2 instructions.
 * A short pattern can expand a great deal (`.{0,1000}` is about 2,000
 * instructions), and both compile time and the worst-case cost per matched
 * character grow with the program, so the pattern length alone bounds neither.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 4_096;

/**
 * Largest total of compiled regex programs in one schema, in RE2 instructions.
 * Compiling takes about a microsecond an instruction, so without it a 32 KiB
 * schema of many short, expanding patterns would take seconds to register.
 */
export const MAX_SCHEMA_PROGRAM_SIZE = 16_384;

/**
 * Regex work allowed while validating one value, in program instructions times
 * characters matched. RE2 runs in time linear in the input, but when its DFA
 * runs out of memory it simulates the NFA at up to one step per instruction per
 * character, about 7.5 ns a step here. The budget keeps one validation under
 * roughly half a second however large the claims are; real claims use a tiny
 * fraction of it.
 */
export const MAX_MATCH_STEPS = 50_000_000;

/**
 * Refuses a schema whose canonical JSON is larger than {@link MAX_SCHEMA_BYTES}
 * or that nests objects and arrays deeper than {@link MAX_SCHEMA_DEPTH}, with
 * VALIDATION_FAILED. Regular expressions are bounded when Ajv compiles them
 * (see {@link linearRegExp}), which `compileSchema` does after this check.
 *
 * @returns the canonical JSON text of the schema, as measured.
 */
export function assertSchemaWithinLimits(schema: unknown): string {
  // Depth is checked before serialising so that a very deep value cannot
  // exhaust the stack in the recursive serialiser.
  checkShape(schema);
  const text = canonicalJson(schema);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCHEMA_BYTES) {
    throw new CodedError('VALIDATION_FAILED', `schema is ${bytes} bytes of canonical JSON; at most ${MAX_SCHEMA_BYTES} are allowed`);
  }
  return text;
}

function checkShape(schema: unknown): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: schema, depth: 1 }];
  let nodes = 0;
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, depth } = top;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_SCHEMA_DEPTH) {
      throw new CodedError('VALIDATION_FAILED', `schema nests objects and arrays more than ${MAX_SCHEMA_DEPTH} levels deep`);
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      // Every JSON value takes at least one byte, so more nodes than the byte
      // limit is oversize; counting also stops a shared-reference object graph
      // built in code from being walked exponentially.
      if (++nodes > MAX_SCHEMA_BYTES) {
        throw new CodedError('VALIDATION_FAILED', `schema has more than ${MAX_SCHEMA_BYTES} values; at most ${MAX_SCHEMA_BYTES} bytes of canonical JSON are allowed`);
      }
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
}

/** What the regex engine may still spend; unbounded outside a metered call. */
const budget = { matchSteps: Number.POSITIVE_INFINITY, programSize: Number.POSITIVE_INFINITY };

// Ajv compiles and validates synchronously, so a module-level budget, set for
// the duration of one call and restored after it, meters exactly that call.
function metered<T>(what: keyof typeof budget, allowance: number, run: () => T): T {
  const saved = budget[what];
  budget[what] = allowance;
  try {
    return run();
  } finally {
    budget[what] = saved;
  }
}

/**
 * Runs `validate` with {@link MAX_MATCH_STEPS} of regex work to spend; a regex
 * test that would overspend throws VALIDATION_FAILED instead of running.
 */
export function withMatchBudget<T>(validate: () => T): T {
  return metered('matchSteps', MAX_MATCH_STEPS, validate);
}

/**
 * Runs `compile` allowing {@link MAX_SCHEMA_PROGRAM_SIZE} instructions of
 * compiled regex in all; a regex past that throws VALIDATION_FAILED.
 */
export function withProgramBudget<T>(compile: () => T): T {
  return metered('programSize', MAX_SCHEMA_PROGRAM_SIZE, compile);
}

/** A pattern as named in error messages: quoted, and cut short if long. */
function quoted(pattern: string): string {
  return JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern);
}

const FLAG_BITS: ReadonlyMap<string, number> = new Map([
  // RE2JS always matches by code point, which is what `u` asks for.
  ['u', 0],
  ['i', RE2JS.CASE_INSENSITIVE],
  ['m', RE2JS.MULTILINE],
  ['s', RE2JS.DOTALL],
]);

/** A schema regex compiled for RE2: `test` is an unanchored search, as in ECMA-262. */
class LinearRegExp implements RegExpLike {
  private readonly steps: number;

  constructor(
    readonly source: string,
    readonly flags: string,
    private readonly re: RE2JS,
  ) {
    this.steps = re.programSize();
  }

  test(s: string): boolean {
    const cost = this.steps * (s.length + 1);
    if (cost > budget.matchSteps) {
      throw new CodedError('VALIDATION_FAILED', `a ${s.length}-character value is too long to check against schema pattern ${quoted(this.source)}`);
    }
    budget.matchSteps -= cost;
    return this.re.test(s);
  }

  // Ajv shares one compiled regex per distinct `toString()` across all the
  // schemas of an instance, so it must tell patterns and flags apart.
  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

function compileLinear(pattern: string, flags: string): LinearRegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new CodedError('VALIDATION_FAILED', `schema pattern ${quoted(pattern)} is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`);
  }
  let bits = 0;
  for (const flag of flags) {
    const bit = FLAG_BITS.get(flag);
    if (bit === undefined) throw new CodedError('VALIDATION_FAILED', `schema pattern ${quoted(pattern)} asks for unsupported regex flag "${flag}"`);
    bits |= bit;
  }
  // JSON Schema patterns are ECMA-262 regexes. Constructing a RegExp only
  // parses it (nothing is matched), and refuses syntax RE2 would read with
  // another meaning, such as `\A` or `\z`.
  try {
    new RegExp(pattern, flags);
  } catch (err) {
    throw new CodedError('VALIDATION_FAILED', `schema pattern ${quoted(pattern)} is not a valid ECMA-262 regular expression: ${(err as Error).message}`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    throw new CodedError(
      'VALIDATION_FAILED',
      `schema pattern ${quoted(pattern)} is not supported: patterns must run in linear time, so backreferences and lookaround are refused (${(err as Error).message})`,
    );
  }
  const size = re.programSize();
  if (size > MAX_PATTERN_PROGRAM_SIZE) {
    throw new CodedError(
      'VALIDATION_FAILED',
      `schema pattern ${quoted(pattern)} compiles to ${size} instructions; at most ${MAX_PATTERN_PROGRAM_SIZE} are allowed (bound lengths with minLength/maxLength rather than large repeat counts)`,
    );
  }
  if (size > budget.programSize) {
    throw new CodedError(
      'VALIDATION_FAILED',
      `schema patterns compile to more than ${MAX_SCHEMA_PROGRAM_SIZE} instructions in all (at ${quoted(pattern)}); use fewer or simpler patterns`,
    );
  }
  budget.programSize -= size;
  return new LinearRegExp(pattern, flags, re);
}

/**
 * Ajv's `code.regExp` engine: compiles every regex a schema contains
 * (`pattern`, `patternProperties`, and any other Ajv builds from the schema)
 * with RE2, so matching takes time linear in the input. Refuses, with
 * VALIDATION_FAILED naming the pattern, anything longer than
 * {@link MAX_PATTERN_LENGTH}, not valid ECMA-262, needing backtracking
 * (backreferences, lookaround), or compiling to more than
 * {@link MAX_PATTERN_PROGRAM_SIZE} instructions, or more than the rest of
 * the schema's allowance (see {@link withProgramBudget}).
 */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string, flags: string): RegExpLike => compileLinear(pattern, flags), {
  // Ajv reads `code` only when emitting standalone validator source, which this
  // service never does; it must not be "new RegExp", or Ajv would bypass us.
  code: 'require("./schema-limits").linearRegExp',
});
