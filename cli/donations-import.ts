import type { Command } from 'commander';
import { requireBusinessDate } from '../chaincode/src/business-date';
import { requirePersonDocument } from '../chaincode/src/identifiers';
import { requireAmount } from '../chaincode/src/money';
import { isId } from '../chaincode/src/validate';
import { Api } from './api';
import { batchSizeOption, connectionOf, type ConnectionOptions } from './common';
import { checkColumns, readCsv, type CsvRow } from './csv-file';
import { CliError, ruleMessage } from './errors';
import { importRows, type GoodRow, type RowFailure } from './importer';

const REQUIRED = ['id', 'amount'] as const;
const ALLOWED = ['id', 'amount', 'idNumber', 'idType', 'anonymous', 'receivedAt', 'channel'] as const;

/**
 * One CSV row to a donation batch item, or the reasons it cannot be
 * recorded. `now` stands for the transaction time the business date is
 * checked against.
 */
function prepareRow(projectId: string, row: CsvRow, now: string): GoodRow | RowFailure {
  const v = row.values;
  const problems: string[] = [];
  const id = v.id ?? '';
  if (!isId(id)) problems.push(`id '${id}' is not an identifier (letters, digits and ._:- , up to 128 characters)`);
  let amount = 0;
  try {
    if (!/^\d+$/.test(v.amount ?? '')) throw new Error(`amount must be whole fen, got '${v.amount ?? ''}'`);
    amount = requireAmount('amount', Number(v.amount));
  } catch (err) {
    problems.push(ruleMessage(err));
  }
  let anonymous = false;
  const anon = v.anonymous ?? '';
  if (/^(true|yes|1)$/i.test(anon)) anonymous = true;
  else if (anon !== '' && !/^(false|no|0)$/i.test(anon)) problems.push(`anonymous must be true or false, got '${anon}'`);
  const donor: Record<string, unknown> = {};
  if (anonymous) {
    if (v.idNumber) problems.push('an anonymous donation has no idNumber');
    donor.anonymous = true;
  } else if (!v.idNumber) {
    problems.push('idNumber is required unless anonymous is true');
  } else {
    try {
      donor.idNumber = requirePersonDocument('donor', v.idType ? v.idType : undefined, v.idNumber).idNumber;
      if (v.idType) donor.idType = v.idType;
    } catch (err) {
      problems.push(ruleMessage(err));
    }
  }
  const item: Record<string, unknown> = { id, projectId, amount, donor };
  if (v.receivedAt) {
    try {
      // The chaincode's own window (not in the future, at most three years back): one row out of it would sink its whole batch.
      item.receivedAt = requireBusinessDate('receivedAt', v.receivedAt, now);
    } catch (err) {
      problems.push(ruleMessage(err));
    }
  }
  if (v.channel) {
    if (isId(v.channel)) item.channel = v.channel;
    else problems.push(`channel '${v.channel}' is not an identifier`);
  }
  return problems.length > 0 ? { line: row.line, id: id || undefined, reason: problems.join('; ') } : { line: row.line, id, item };
}

interface ImportOptions extends ConnectionOptions {
  project: string;
  out?: string;
  rejects?: string;
  batch: number;
  quiet?: boolean;
}

/** `civic donations import`. */
export function donationsCommand(program: Command): void {
  const donations = program.command('donations').description('donation commands');
  donations
    .command('import')
    .description("record donations to one of the token's charity's projects from a CSV file, safely re-runnable")
    .argument('<file.csv>', 'CSV with a header row')
    .requiredOption('--project <id>', 'project the donations go to')
    .option('--out <file.jsonl>', 'append recorded donations here as JSON lines {id, donation}')
    .option('--rejects <file.csv>', 'write the rows not imported, with line and reason, to this CSV')
    .option('--batch <n>', 'rows per request, 1 to 1000', batchSizeOption, 1000)
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Columns: id, amount (integer fen), and either idNumber (optionally idType) or
anonymous=true; optionally receivedAt (ISO date or date-time) and channel.
Donor names are not taken: the ledger keeps only a pseudonym of the ID number.

The file may be UTF-8 (with or without a byte-order mark) or GB 18030/GBK.

Every row is checked first, receivedAt against the ledger's window (not in the
future, at most three years back); bad rows are reported with their line
number and not sent. Re-running the same file records nothing twice: a row
counts as already recorded only when the donation under its id has the row's
project, amount and donor (and channel and receivedAt, when given). --out and
--rejects are written with mode 0600. Exit code 0 when every row is recorded
or already recorded, 1 otherwise, 2 for bad usage or an unreadable file, 3 when
the gateway cannot be reached or refuses the token.`,
    )
    .action(async (file: string, opts: ImportOptions, cmd: Command) => {
      if (!isId(opts.project)) throw new CliError(`--project '${opts.project}' is not an identifier`);
      const api = new Api(connectionOf(cmd));
      api.requireToken();
      const csv = await readCsv(file);
      checkColumns(file, csv.columns, REQUIRED, ALLOWED);
      if (!csv.columns.includes('idNumber') && !csv.columns.includes('anonymous')) throw new CliError(`${file}: needs an idNumber or an anonymous column`);
      const now = new Date().toISOString();
      process.exitCode = await importRows(
        api,
        csv,
        (row) => prepareRow(opts.project, row, now),
        {
          noun: 'donations',
          batchPath: '/api/v1/donations/batch',
          comparePath: '/api/v1/donations/compare',
          scope: opts.project,
          outField: 'donation',
          words: { done: 'recorded', already: 'already recorded' },
        },
        opts,
      );
    });
}
