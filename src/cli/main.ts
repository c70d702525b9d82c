/**
 * @module cli/main
 * The `demanager` command: the server and the client commands in one binary.
 */
import { Command } from '@commander-js/extra-typings';
import { serveCommand } from './serve-command.js';

const program = new Command('demanager').description('manage notebook development environments').version('0.1.0');
program.addCommand(serveCommand());

await program.parseAsync(process.argv);
