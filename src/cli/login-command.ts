/**
 * @module cli/login-command
 * `demanager login`, `logout` and `whoami`: the session file's life cycle. The token is written
 * to the 0600 session file and never printed.
 */
import { Command } from '@commander-js/extra-typings';
import { DemanagerApiError, DemanagerClient, type Session } from '../client/index.js';
import { EXIT, UsageError } from './cli-errors.js';
import { connect, globalOptions, normalizeUrl, savedSession } from './cli-context.js';
import { note, printFields, printJson } from './output.js';
import { obtainPassword } from './password-input.js';
import { removeSession, sessionPath, toSaved, writeSession } from './session-file.js';

/** What may be shown of a session: everything but the token. */
function publicView(session: Session) {
  const { token: _token, ...rest } = session;
  return rest;
}

function printSession(session: Session): void {
  printFields([
    ['user', `${session.user.name} (${session.user.id})`],
    ['project', `${session.projectName} (${session.projectId})`],
    ['roles', session.roles.join(', ') || '-'],
    ['server', session.url],
    ['api', session.apiBase],
    ['expires', session.expiresAt],
  ]);
}

export function loginCommand() {
  return new Command('login')
    .description('log in and save the session (url, token, project) for the other commands')
    .requiredOption('-u, --user <name>', 'user name')
    .option('--password <password>', 'password (default: $DEMANAGER_PASSWORD, a prompt, or the first line of stdin)')
    .option('--project <name>', 'project to work in (default: your first project)')
    .option('--domain <name>', 'user domain (default: the server default)')
    .option('--json', 'print the session (without the token) as JSON')
    .addHelpText('after', '\nThe server URL comes from the global --url, $DEMANAGER_URL, or the previous session.')
    .action(async (opts, command) => {
      const globals = globalOptions(command);
      const rawUrl = globals.url ?? savedSession()?.url;
      if (!rawUrl) throw new UsageError('missing --url <server> (or DEMANAGER_URL)');
      const url = normalizeUrl(rawUrl);
      const password = await obtainPassword({
        flag: opts.password,
        env: process.env.DEMANAGER_PASSWORD,
        prompt: `Password for ${opts.user} at ${url}: `,
      });
      let session: Session;
      try {
        session = await new DemanagerClient({ url }).login({
          url,
          user: opts.user,
          password,
          domain: opts.domain,
          project: opts.project,
        });
      } catch (error) {
        // Wrong credentials are a plain failure here, not "please log in".
        if (error instanceof DemanagerApiError && error.status === 401) {
          process.stderr.write(`error: ${error.errorMsg} (${error.errorCode})\n`);
          process.exitCode = EXIT.apiError;
          return;
        }
        throw error;
      }
      writeSession(toSaved(session));
      if (opts.json) return printJson(publicView(session));
      process.stdout.write(
        `Logged in to ${session.url} as ${session.user.name}, project ${session.projectName} (${session.projectId}); the session expires ${session.expiresAt}.\n`,
      );
    });
}

export function logoutCommand() {
  return new Command('logout').description('forget the saved session').action(() => {
    if (removeSession()) note(`removed ${sessionPath()}`);
    else note('not logged in');
  });
}

export function whoamiCommand() {
  return new Command('whoami')
    .description('check the session with the server and show its user, project and expiry')
    .option('--json', 'print the session (without the token) as JSON')
    .action(async (opts, command) => {
      const { client, session: local } = await connect(command);
      // Ask the server: the token may have been revoked (password change, disabled user).
      const session = await client.useToken(local.token);
      if (opts.json) printJson(publicView(session));
      else printSession(session);
    });
}
