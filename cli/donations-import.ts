import type { Command } from 'commander';
import { DONATION_COLUMNS, DONATION_REQUIRED_COLUMNS, donationRowItem } from '../chaincode/src/donation-rows';
import { isId } from '../chaincode/src/validate';
import { Api } from './api';
import { batchSizeOption, connectionOf, type ConnectionOptions } from './common';
import { checkColumns, readCsv, type CsvRow } from './csv-file';
import { CliError } from './errors';
import { importRows, type GoodRow, type RowFailure } from './importer';

/** One CSV row to a donation batch item (the chaincode's mapping), or the reasons it cannot be recorded. */
function prepareRow(projectId: string, row: CsvRow, now: string): GoodRow | RowFailure {
  const r = donationRowItem(projectId, row.values, now);
  if (r.ok) return { line: row.line, id: r.id, item: r.item };
  return { line: row.line, id: r.id || undefined, reason: r.problems.map((p) => p.message).join('; ') };
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
anonymous=true (an anonymous row's idNumber is checked, never kept); optionally receivedAt (ISO date or date-time) and channel.
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
      checkColumns(file, csv.columns, DONATION_REQUIRED_COLUMNS, DONATION_COLUMNS);
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
