/** Parses `--name value` and `--flag` arguments; unknown names are an error. */
export function parseArgs(argv: string[], known: Record<string, 'string' | 'boolean'>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m || !Object.hasOwn(known, m[1])) throw new Error(`unknown argument '${arg}'`);
    const name = m[1];
    if (known[name] === 'boolean') {
      out[name] = true;
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw new Error(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

/** A `--name <n>` that must be a positive integer; `fallback` when absent. */
export function positiveCount(raw: string | boolean | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}
