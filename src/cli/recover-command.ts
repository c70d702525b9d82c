/**
 * @module cli/recover-command
 * `demanager recover reset-password <user>` and `demanager recover grant-admin <user>`: for when no
 * one can sign in to manage the service. They work offline, on the store the server uses (the
 * same config file, data directory and `DEMANAGER_DATABASE_URL` as `serve` and `migrate`), so
 * whoever may run them is whoever may read that data; each leaves an entry in the audit trail.
 */
import { userInfo } from 'node:os';
import { Command } from '@commander-js/extra-typings';
import { systemClock } from '../core/shared/clock.js';
import { DomainError } from '../core/shared/errors.js';
import type { AccountRecovery } from '../core/identity/account-recovery.js';
import { NotFoundError, UsageError } from './cli-errors.js';
import { printLine } from './output.js';
import { obtainPassword } from './password-input.js';
import { serverConfig, withServerFlags, type ServerFlags } from './server-config.js';

/** Runs `work` on the configured store, turning the domain's refusals into the CLI's errors. */
async function onStore<T>(flags: ServerFlags, work: (recovery: AccountRecovery) => Promise<T>): Promise<T> {
  const config = serverConfig(flags);
  // Loaded here so the client commands do not pay for the store at start-up.
  const { openStore } = await import('../store/open-store.js');
  const { AccountRecovery } = await import('../core/identity/account-recovery.js');
  const store = await openStore(config.databaseUrl);
  try {
    return await work(
      new AccountRecovery({
        store,
        clock: systemClock,
        defaultDomain: config.bootstrap.domain,
        defaultProject: config.bootstrap.project,
        operator: operatorName(),
      }),
    );
  } catch (err) {
    if (err instanceof DomainError && err.code === 'IAM.0002')
      throw new NotFoundError(
        `${err.message.replace(/\.$/, '')} in ${describe(config.databaseUrl)}; nothing was changed`,
      );
    if (err instanceof DomainError) throw new UsageError(err.message);
    throw err;
  } finally {
    await store.close();
  }
}

/** The database named without its password, for messages. */
function describe(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

function resetPasswordCommand() {
  return withServerFlags(new Command('reset-password'))
    .description("set a user's password on the database directly (ends their sessions)")
    .argument('<user>', 'user name (in the default domain) or id')
    .action(async (name, opts) => {
      const password = await obtainPassword({ prompt: `New password for ${name}: ` });
      const user = await onStore(opts, (recovery) => recovery.resetPassword(name, password));
      printLine(
        `the password of ${user.name} is reset; their sessions have ended` +
          (user.enabled ? '' : ' (the account is disabled: "demanager recover grant-admin" enables it)'),
      );
    });
}

function grantAdminCommand() {
  return withServerFlags(new Command('grant-admin'))
    .description('make a user an enabled system admin with the admin role in a project, on the database directly')
    .argument('<user>', 'user name (in the default domain) or id')
    .option('--project <name>', 'project name or id (default: the bootstrap project, else the first by name)')
    .action(async (name, opts) => {
      const { user, project } = await onStore(opts, (recovery) => recovery.grantAdmin(name, opts.project));
      printLine(`${user.name} is an enabled system admin and admin of the project ${project.name}`);
    });
}

export function recoverCommand() {
  return new Command('recover')
    .description('regain control when no one can sign in: works on the database directly, without the server')
    .addCommand(resetPasswordCommand())
    .addCommand(grantAdminCommand());
}
