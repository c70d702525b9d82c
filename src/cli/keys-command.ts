/**
 * @module cli/keys-command
 * `demanager keys create|list|delete`: permanent access keys (AK/SK) for signing API requests
 * with `SDK-HMAC-SHA256`. Everyone manages their own keys; system administrators anyone's.
 * `create` prints the secret key, the only time it is ever shown.
 */
import { Command } from '@commander-js/extra-typings';
import type { AccessKey } from '../client/index.js';
import { connect, type Connection } from './cli-context.js';
import { findUser } from './identity-lookup.js';
import { formatTime, note, printFields, printJson, printTable } from './output.js';

const time = (iso: string | undefined) => (iso ? formatTime(Date.parse(iso)) : '-');

/** The id of the user named by `--user` (id or name); the caller when absent. */
async function userIdOf({ client, session }: Connection, ref: string | undefined): Promise<string> {
  if (!ref || ref === session.user.id || ref === session.user.name) return session.user.id;
  return (await findUser(client, ref)).id;
}

function printKeys(keys: readonly AccessKey[]): void {
  printTable(
    ['ACCESS-KEY', 'USER-ID', 'STATUS', 'CREATED', 'LAST-USED', 'DESCRIPTION'],
    keys.map((k) => [k.access, k.user_id, k.status, time(k.create_time), time(k.last_use_time), k.description]),
  );
}

function createCommand() {
  return new Command('create')
    .description('create an access key and print its secret key (shown this once only)')
    .option('--user <user>', 'whose key, id or name (default: yours; others need a system admin)')
    .option('--description <text>', 'what the key is for')
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const connection = await connect(command);
      const userId = await userIdOf(connection, opts.user);
      const created = await connection.client.createAccessKey({
        user_id: userId,
        ...(opts.description !== undefined ? { description: opts.description } : {}),
      });
      note('The secret key is shown only now: store it safely.');
      if (opts.json) return printJson({ credential: created });
      printFields([
        ['access key', created.access],
        ['secret key', created.secret],
        ['user id', created.user_id],
        ['created', time(created.create_time)],
        ['description', created.description],
      ]);
    });
}

function listCommand() {
  return new Command('list')
    .alias('ls')
    .description('list access keys (never their secrets)')
    .option('--user <user>', 'whose keys, id or name (default: yours)')
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const connection = await connect(command);
      const keys = await connection.client.listAccessKeys(await userIdOf(connection, opts.user));
      if (opts.json) printJson({ credentials: keys });
      else printKeys(keys);
    });
}

function deleteCommand() {
  return new Command('delete')
    .alias('rm')
    .description('delete an access key; requests signed with it are refused from then on')
    .argument('<access-key>', 'the access key (AK)')
    .action(async (accessKey, _opts, command) => {
      const { client } = await connect(command);
      await client.deleteAccessKey(accessKey);
      process.stdout.write(`deleted access key ${accessKey}\n`);
    });
}

export function keysCommand() {
  return new Command('keys')
    .alias('key')
    .description('manage access keys (AK/SK) for signed API requests')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(deleteCommand());
}
