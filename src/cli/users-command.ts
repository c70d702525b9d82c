/**
 * @module cli/users-command
 * `demanager users list|create|update|delete|instances|stop-instance` (system administrators).
 */
import { Command } from '@commander-js/extra-typings';
import type { UpdateUserRequest, User, UserInstance } from '../client/index.js';
import { UsageError } from './cli-errors.js';
import { connect } from './cli-context.js';
import { findUser, pickUserInstance } from './identity-lookup.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { obtainPassword } from './password-input.js';

function printUsers(users: readonly User[]): void {
  printTable(
    ['ID', 'NAME', 'DOMAIN', 'ENABLED', 'SYSTEM-ADMIN'],
    users.map((u) => [u.id, u.name, u.domain_id, u.enabled ? 'yes' : 'no', u.is_system_admin ? 'yes' : 'no']),
  );
}

function listCommand() {
  return new Command('list')
    .alias('ls')
    .description('list users')
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const users = await client.listUsers();
      if (opts.json) printJson({ users });
      else printUsers(users);
    });
}

function createCommand() {
  return new Command('create')
    .description('create a user (give it a project role with "roles assign")')
    .argument('<name>', 'user name')
    .option('--password <password>', 'initial password, 8+ characters (default: a prompt, or the first line of stdin)')
    .option('--domain <id>', 'domain (default: the server default)')
    .option('--system-admin', 'may manage users, projects and roles')
    .option('--disabled', 'create the account disabled')
    .option('--json', 'print the raw API JSON')
    .action(async (name, opts, command) => {
      const { client } = await connect(command);
      const password = await obtainPassword({ flag: opts.password, prompt: `Password for the new user ${name}: ` });
      const user = await client.createUser({
        name,
        password,
        ...(opts.domain ? { domain_id: opts.domain } : {}),
        ...(opts.systemAdmin ? { is_system_admin: true } : {}),
        ...(opts.disabled ? { enabled: false } : {}),
      });
      if (opts.json) printJson({ user });
      else printUsers([user]);
    });
}

function updateCommand() {
  return new Command('update')
    .description("change a user's password, enabled state or system-admin right")
    .argument('<user>', 'user id or name')
    .option('--password <password>', "new password (ends the user's sessions)")
    .option('--enable', 'enable the account')
    .option('--disable', "disable the account (ends the user's sessions)")
    .option('--system-admin', 'grant the system-admin right')
    .option('--no-system-admin', 'revoke the system-admin right')
    .option('--json', 'print the raw API JSON')
    .action(async (ref, opts, command) => {
      if (opts.enable && opts.disable) throw new UsageError('--enable and --disable exclude each other');
      const changes: UpdateUserRequest = {
        ...(opts.password !== undefined ? { password: opts.password } : {}),
        ...(opts.enable ? { enabled: true } : opts.disable ? { enabled: false } : {}),
        ...(opts.systemAdmin !== undefined ? { is_system_admin: opts.systemAdmin } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new UsageError('nothing to update: give --password, --enable, --disable or --[no-]system-admin');
      const { client } = await connect(command);
      const user = await client.updateUser((await findUser(client, ref)).id, changes);
      if (opts.json) printJson({ user });
      else printUsers([user]);
    });
}

function deleteCommand() {
  return new Command('delete')
    .alias('rm')
    .description('delete a user')
    .argument('<user>', 'user id or name')
    .action(async (ref, _opts, command) => {
      const { client } = await connect(command);
      const user = await findUser(client, ref);
      await client.deleteUser(user.id);
      printLine(`deleted user ${user.name} (${user.id})`);
    });
}

function printUserInstances(instances: readonly UserInstance[]): void {
  printTable(
    ['ID', 'NAME', 'STATUS', 'PROJECT', 'FLAVOR', 'CREATED'],
    instances.map((i) => [i.id, i.name, i.status, i.project_name, i.flavor, formatTime(i.creation_timestamp)]),
  );
}

function instancesCommand() {
  return new Command('instances')
    .description("list a user's instances in every project")
    .argument('<user>', 'user id or name')
    .option('--json', 'print the raw API JSON')
    .action(async (ref, opts, command) => {
      const { client } = await connect(command);
      const instances = await client.listUserInstances((await findUser(client, ref)).id);
      if (opts.json) printJson({ instances, total_count: instances.length });
      else printUserInstances(instances);
    });
}

function stopInstanceCommand() {
  return new Command('stop-instance')
    .description("stop a user's running instance, in whichever project")
    .argument('<user>', 'user id or name')
    .argument('<instance>', 'instance id, or a name unique among the user’s instances')
    .action(async (userRef, instanceRef, _opts, command) => {
      const { client } = await connect(command);
      const user = await findUser(client, userRef);
      const instance = pickUserInstance(await client.listUserInstances(user.id), instanceRef);
      const result = await client.stopUserInstance(user.id, instance.id);
      printLine(
        `stopping ${instance.name} (${instance.id}) of ${user.name} in project ${instance.project_name}: ${result.previous_state} -> ${result.current_status}`,
      );
    });
}

export function usersCommand() {
  return new Command('users')
    .alias('user')
    .description('manage users (system administrators)')
    .addCommand(listCommand())
    .addCommand(createCommand())
    .addCommand(updateCommand())
    .addCommand(deleteCommand())
    .addCommand(instancesCommand())
    .addCommand(stopInstanceCommand());
}
