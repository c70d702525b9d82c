/**
 * @module cli/main
 * The `demanager` command: the server and the client commands in one binary.
 *
 * Exit codes: 0 ok, 1 API error, 2 usage error, 3 not logged in / session expired, 4 server
 * unreachable.
 */
import { Command } from '@commander-js/extra-typings';
import { backupCommand, restoreCommand } from './backup-command.js';
import { instancesCommand } from './instances-command.js';
import { keysCommand } from './keys-command.js';
import { loginCommand, logoutCommand, whoamiCommand } from './login-command.js';
import { migrateCommand } from './migrate-command.js';
import { recoverCommand } from './recover-command.js';
import { projectsCommand } from './projects-command.js';
import { bucketsCommand } from './buckets-command.js';
import { budgetsCommand } from './budgets-command.js';
import { flavorsCommand } from './flavors-command.js';
import { rolesCommand } from './roles-command.js';
import { runCli } from './run-cli.js';
import { secretsCommand } from './secrets-command.js';
import { serveCommand } from './serve-command.js';
import { usageCommand } from './usage-command.js';
import { usersCommand } from './users-command.js';
import { VERSION } from '../core/shared/release.js';

const program = new Command('demanager')
  .description('manage notebook development environments')
  .version(VERSION)
  .option('--url <url>', 'server base URL (default: $DEMANAGER_URL, else the saved session)')
  .option('--token <token>', 'API token to use instead of the saved session (default: $DEMANAGER_TOKEN)')
  .addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 API error, 2 usage error, 3 not logged in or session expired, 4 server unreachable.\n' +
      'The session is saved in $DEMANAGER_CONFIG_DIR/session.json (default ~/.config/demanager/session.json).',
  );
program.addCommand(serveCommand());
program.addCommand(migrateCommand());
program.addCommand(backupCommand());
program.addCommand(restoreCommand());
program.addCommand(recoverCommand());
program.addCommand(secretsCommand());
program.addCommand(loginCommand());
program.addCommand(logoutCommand());
program.addCommand(whoamiCommand());
program.addCommand(instancesCommand());
program.addCommand(usersCommand());
program.addCommand(projectsCommand());
program.addCommand(bucketsCommand());
program.addCommand(budgetsCommand());
program.addCommand(rolesCommand());
program.addCommand(flavorsCommand());
program.addCommand(usageCommand());
program.addCommand(keysCommand());

await runCli(program);
