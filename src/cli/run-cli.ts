/**
 * @module cli/run-cli
 * Runs the command tree with one error policy: usage mistakes exit 2, everything else goes
 * through {@link reportError}. Commander only inherits these settings through `.command()`, so
 * they are applied to every command of the tree here.
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { reportError } from './cli-errors.js';

function configure(command: CommandUnknownOpts): void {
  command.exitOverride();
  command.showHelpAfterError('(add --help for usage)');
  for (const sub of command.commands) configure(sub);
}

export async function runCli(program: CommandUnknownOpts, argv: readonly string[] = process.argv): Promise<void> {
  configure(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // exitCode, not exit(): let stdout drain when it is a pipe.
    process.exitCode = reportError(error);
  }
}
