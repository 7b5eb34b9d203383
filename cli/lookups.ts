import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { Api, describeFailure, seg } from './api';
import { connectionOf, printJson, table } from './common';
import { CliError, EXIT } from './errors';

/** One check of a verdict, as `POST /api/v1/verify` answers it. */
interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The fields of a verdict this tool prints. */
interface Verdict {
  valid: boolean;
  status: string;
  checks: Check[];
  certificate?: { id?: string; type?: string; issuerMsp?: string };
}

async function readAll(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

/** `civic verify`, `civic trace`, `civic report`. */
export function lookupCommands(program: Command): void {
  program
    .command('verify')
    .description('verify a credential (a compact JWS) with the gateway; no token needed')
    .argument('<file.jwt|->', 'file holding the credential, or - for stdin')
    .option('--json', 'print the verdict as JSON')
    .addHelpText('after', '\nExit code 0 when the credential is valid, 1 when it is not.')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const credential = (await readAll(file)).trim();
      if (credential === '') throw new CliError(`${file === '-' ? 'stdin' : file} holds no credential`);
      const api = new Api(connectionOf(cmd));
      const r = await api.request('POST', '/api/v1/verify', { body: { credential }, auth: false });
      if (r.status !== 200) throw new CliError(`verify: ${describeFailure(r)}`, EXIT.incomplete);
      const verdict = r.body as Verdict;
      if (opts.json) printJson(verdict);
      else {
        const c = verdict.certificate;
        console.log(`${verdict.valid ? 'VALID' : 'NOT VALID'}: status ${verdict.status}${c?.id ? `, certificate ${c.id}` : ''}${c?.type ? ` (${c.type})` : ''}`);
        console.log(table(['check', 'result', 'detail'], verdict.checks.map((k) => [k.name, k.ok ? 'ok' : 'FAIL', k.detail])));
      }
      if (!verdict.valid) process.exitCode = EXIT.incomplete;
    });

  const trace = program.command('trace').description('follow money through the ledger (auditor, or the charity itself)');
  for (const what of ['donation', 'disbursement'] as const) {
    trace
      .command(what)
      .description(what === 'donation' ? 'forward trace: a donation to every payment it funded' : 'backward trace: a payment to the donations it drew on')
      .argument('<id>')
      .option('--json', 'print the answer as JSON')
      .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        const api = new Api(connectionOf(cmd));
        const body = (await api.getJson(`/api/v1/audit/${what}s/${seg(id)}/trace`)) as Record<string, unknown>;
        if (opts.json) return printJson(body);
        printTrace(what, body);
      });
  }

  program
    .command('report')
    .description("a charity's annual report with its findings (auditor, or the charity itself)")
    .argument('<charityId>')
    .requiredOption('--year <YYYY>', 'accounting year')
    .option('--json', 'print the report as JSON')
    .action(async (charityId: string, opts: { year: string; json?: boolean }, cmd: Command) => {
      if (!/^\d{4}$/.test(opts.year)) throw new CliError(`--year must be four digits, got '${opts.year}'`);
      const api = new Api(connectionOf(cmd));
      const body = (await api.getJson(`/api/v1/audit/charities/${seg(charityId)}/report?year=${opts.year}`)) as Record<string, unknown>;
      if (opts.json) return printJson(body);
      printReport(body);
    });
}

/** A value of a JSON answer as a table cell: text as it is, absent as empty, anything else as JSON. */
const cell = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const fen = (v: unknown): string => (typeof v === 'number' ? `${(v / 100).toFixed(2)} yuan` : cell(v));

function printTrace(what: 'donation' | 'disbursement', body: Record<string, unknown>): void {
  if (what === 'donation') {
    const d = (body.donation ?? {}) as Record<string, unknown>;
    console.log(`donation ${String(d.id)}: ${fen(d.amount)} to project ${String(d.projectId)}, ${fen(d.remaining)} left`);
    const rows = ((body.allocations ?? []) as Array<Record<string, unknown>>).map((a) => [String(a.disbursementId), fen(a.amount), cell(a.category), cell(a.paidAt), cell(a.payee)]);
    console.log(rows.length === 0 ? 'not spent yet' : table(['disbursement', 'share', 'category', 'paidAt', 'payee'], rows));
    return;
  }
  const d = (body.disbursement ?? {}) as Record<string, unknown>;
  console.log(`disbursement ${String(d.id)}: ${fen(d.amount)} from project ${String(d.projectId)} (${cell(d.category)})`);
  const rows = ((body.sources ?? []) as Array<Record<string, unknown>>).map((s) => [String(s.donationId), fen(s.amount), cell(s.receivedAt), cell(s.channel)]);
  console.log(rows.length === 0 ? 'no sources' : table(['donation', 'share', 'receivedAt', 'channel'], rows));
}

function printReport(body: Record<string, unknown>): void {
  const scalar = (v: unknown): boolean => v === null || typeof v !== 'object';
  const rows: string[][] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (scalar(v)) rows.push([prefix, String(v)]);
    else if (!Array.isArray(v)) for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, x);
  };
  for (const [k, v] of Object.entries(body)) if (k !== 'findings') walk(k, v);
  console.log(table(['field', 'value'], rows));
  const findings = (body.findings ?? []) as Array<{ code?: string; severity?: string; message?: string }>;
  console.log(findings.length === 0 ? '\nno findings' : `\nfindings:\n${findings.map((f) => `  [${f.severity}] ${f.code}: ${f.message}`).join('\n')}`);
}
