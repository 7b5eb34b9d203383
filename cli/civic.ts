#!/usr/bin/env node
import '../gateway/src/chaincode-log-level';
import { Command, CommanderError } from 'commander';
import { runTokenCommand } from './dev-token';
import { certificatesCommand } from './certificates-import';
import { donationsCommand } from './donations-import';
import { CliError, EXIT } from './errors';
import { eventsCommand } from './events';
import { lookupCommands } from './lookups';

/** The `civic` program with every command registered; exported for tests and embedding. */
export function buildProgram(): Command {
  const program = new Command('civic')
    .description('Civic Ledger from the command line: bulk imports, verification, traces and reports over the HTTP API')
    .option('--url <url>', 'gateway base URL', 'http://localhost:8080')
    .option('--token <jwt>', 'bearer token (default: $CIVIC_TOKEN)')
    .showSuggestionAfterError()
    .exitOverride();
  certificatesCommand(program);
  donationsCommand(program);
  lookupCommands(program);
  eventsCommand(program);
  program
    .command('token')
    .description('mint a development token with the dev key of $CIVIC_DATA_DIR, as npm run token does')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', '--sub <id> --org <civil|charity|audit> --roles <r1,r2> [--dept <d>] [--charity <id>] [--ttl <seconds>]')
    .action(async (args: string[]) => {
      process.exitCode = await runTokenCommand(args, 'civic token');
    });
  // Subcommands inherit the override, so a usage error anywhere lands in main's catch.
  program.commands.forEach(function override(c: Command): void {
    c.exitOverride();
    c.commands.forEach(override);
  });
  return program;
}

/** Runs the program; every failure becomes one line on stderr and an exit code, never a stack trace. */
async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (err instanceof CliError) {
      console.error(`civic: ${err.message}`);
      process.exitCode = err.exitCode;
      return;
    }
    console.error(`civic: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = EXIT.incomplete;
  }
}

void main();
