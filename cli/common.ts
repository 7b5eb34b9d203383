import { InvalidArgumentError, type Command } from 'commander';
import type { Connection } from './api';

/** The global options every command that talks to a gateway reads. */
export interface ConnectionOptions {
  url?: string;
  token?: string;
}

/** `--url` and `--token` (or `CIVIC_TOKEN`) from the root program, whichever subcommand runs. */
export function connectionOf(cmd: Command): Connection {
  const o = cmd.optsWithGlobals<ConnectionOptions>();
  return { url: o.url ?? 'http://localhost:8080', token: o.token ?? (process.env.CIVIC_TOKEN || undefined) };
}

/** Parses `--batch`: a whole number from 1 to 1000, the gateway's batch limit. */
export function batchSizeOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return Number(value);
}

/** Prints `value` as indented JSON on stdout, for `--json`. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain text table: one row per array, columns padded to the widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}
