/**
 * @module cli/instances-command
 * `demanager instances create|list|show|update|start|stop|restart|delete|logs|share|unshare|shares`
 * (the log in cli/logs-command, sharing in cli/share-commands). Every command takes
 * `--json` for the raw API answer; instances are named by id or name.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { DemanagerClient, InstanceAction, ListInstancesQuery } from '../client/index.js';
import { INSTANCE_STATUSES } from '../core/model/statuses.js';
import { connect } from './cli-context.js';
import { createBody, updateBody } from './instance-bodies.js';
import { printInstanceDetail, printInstanceTable } from './instance-format.js';
import { findInstance } from './instance-lookup.js';
import { logsCommand } from './logs-command.js';
import { shareCommand, sharesCommand, unshareCommand } from './share-commands.js';
import { assertNotFailed, waitForGone, waitForRest } from './instance-wait.js';
import { integerOption } from './option-parsers.js';
import { note, printJson, printLine } from './output.js';

const DEFAULT_TIMEOUT_SECONDS = 600;
const REF = '<instance>';
const REF_HELP = 'instance id or name';

function waitOptions(opts: { timeout: number; json?: true | undefined }) {
  return { timeoutSeconds: opts.timeout, progress: !opts.json && process.stderr.isTTY === true };
}

function createCommand() {
  return new Command('create')
    .description('create an instance (it starts by itself); flags override the fields of --file')
    .option('-f, --file <path>', 'the whole request body as JSON ("-" reads stdin)')
    .option('--name <name>', 'letters, digits, _ and -; unique in the project')
    .option('--description <text>', 'free text')
    .option('--profile <id>', 'profile id, e.g. "Multi-Engine 1.0 (python3)-cpu"')
    .option('--flavor <name>', 'flavor, e.g. modelarts.vm.cpu.2u')
    .addOption(
      new Option('--storage-type <type>', 'storage type (default: obs with --path, else evs)').choices([
        'obs',
        'evs',
        'efs',
        'obsfs',
      ] as const),
    )
    .option('--path <path>', 'OBS path, ending with /')
    .option('--volume-size <GB>', 'EVS volume size in GB', integerOption(1))
    .option('--mount-path <dir>', 'where the storage is mounted in the notebook')
    .option(
      '--auto-stop <seconds>',
      'stop automatically after this many seconds of running (3600-86400)',
      integerOption(1),
    )
    .option('--no-auto-stop', 'do not stop automatically')
    .option('--workspace <id>', 'workspace id')
    .option('--ai-project <id>', 'AI project id')
    .option('--pool <id>', 'dedicated resource pool id')
    .option('--wait', 'wait until the instance runs (or fails)')
    .option('--timeout <seconds>', 'give up waiting after this long', integerOption(1), DEFAULT_TIMEOUT_SECONDS)
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const created = await client.create(await createBody(opts));
      if (!opts.wait) {
        if (opts.json) printJson(created);
        else printInstanceTable([created]);
        return;
      }
      const final = await waitForRest(client, created.id, waitOptions(opts));
      if (opts.json) printJson(final);
      else printInstanceTable([final]);
      assertNotFailed(final);
    });
}

function listCommand() {
  return new Command('list')
    .alias('ls')
    .description('list instances (your own unless --all-users)')
    .addOption(new Option('--status <status>', 'only this status').choices(INSTANCE_STATUSES))
    .addOption(new Option('--sort-by <field>', 'sort key').choices(['name', 'creation_timestamp'] as const))
    .addOption(new Option('--order <order>', 'sort order').choices(['asc', 'desc'] as const))
    .option('--limit <n>', 'at most this many (0: all)', integerOption(0))
    .option('--offset <n>', 'skip this many', integerOption(0))
    .option('--all-users', "include other users' instances of the project (show_self=false)")
    .option('--workspace <id>', 'only this workspace')
    .option('--ai-project <id>', 'only this AI project')
    .option('--pool <id>', 'only this pool')
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const query: ListInstancesQuery = {
        ...(opts.status ? { status: opts.status } : {}),
        ...(opts.sortBy ? { sortby: opts.sortBy } : {}),
        ...(opts.order ? { order: opts.order } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
        ...(opts.allUsers ? { show_self: 'false' } : {}),
        ...(opts.workspace ? { workspace_id: opts.workspace } : {}),
        ...(opts.aiProject ? { ai_project_id: opts.aiProject } : {}),
        ...(opts.pool ? { pool_id: opts.pool } : {}),
      };
      const page = await client.list(query);
      if (opts.json) return printJson(page);
      if (page.instances.length === 0) return note('no instances');
      printInstanceTable(page.instances);
      if (page.total_count > page.instances.length) note(`(${page.instances.length} of ${page.total_count} shown)`);
    });
}

function showCommand() {
  return new Command('show')
    .alias('get')
    .description('show one instance')
    .argument(REF, REF_HELP)
    .option('--json', 'print the raw API JSON')
    .action(async (ref, opts, command) => {
      const { client } = await connect(command);
      const instance = await findInstance(client, ref);
      if (opts.json) printJson(instance);
      else printInstanceDetail(instance);
    });
}

function updateCommand() {
  return new Command('update')
    .description('change the description, the auto-stop setting or (when stopped) the flavor')
    .argument(REF, REF_HELP)
    .option('--description <text>', 'new description')
    .option(
      '--auto-stop <seconds>',
      'stop automatically after this many seconds (3600-86400); applies from the next start',
      integerOption(1),
    )
    .option('--no-auto-stop', 'turn automatic stop off')
    .option('--flavor <name>', 'new flavor (the instance must be STOPPED)')
    .option('--json', 'print the raw API JSON')
    .action(async (ref, opts, command) => {
      const body = updateBody(opts);
      const { client } = await connect(command);
      const { id } = await findInstance(client, ref);
      const updated = await client.update(id, body);
      if (opts.json) printJson(updated);
      else printInstanceTable([updated]);
    });
}

const ACTION_HELP: Record<InstanceAction, { summary: string; past: string }> = {
  start: { summary: 'start a stopped (or failed) instance', past: 'starting' },
  stop: { summary: 'stop a running instance', past: 'stopping' },
  restart: { summary: 'restart a running instance', past: 'restarting' },
  queue: { summary: 'put a stopped instance of a queueing flavor in line for a slot', past: 'queued' },
  dequeue: { summary: 'leave the queue (the instance goes back to STOPPED)', past: 'dequeued' },
};

function actionCommand(action: InstanceAction) {
  return new Command(action)
    .description(ACTION_HELP[action].summary)
    .argument(REF, REF_HELP)
    .option('--wait', 'wait until the instance rests; exit 1 if it ends in a failed status')
    .option('--timeout <seconds>', 'give up waiting after this long', integerOption(1), DEFAULT_TIMEOUT_SECONDS)
    .option('--json', 'print the raw API JSON (with --wait: the final instance)')
    .action(async (ref, opts, command) => {
      const { client } = await connect(command);
      const instance = await findInstance(client, ref);
      const result = await client.action(instance.id, action);
      if (!opts.wait) {
        if (opts.json) printJson(result);
        else printLine(`${instance.name} (${instance.id}): ${result.previous_state} -> ${result.current_status}`);
        return;
      }
      if (!opts.json) note(`${instance.name}: ${ACTION_HELP[action].past}…`);
      await finishWaiting(client, instance.id, opts);
    });
}

async function finishWaiting(
  client: DemanagerClient,
  id: string,
  opts: { timeout: number; json?: true | undefined },
): Promise<void> {
  const final = await waitForRest(client, id, waitOptions(opts));
  if (opts.json) printJson(final);
  else printInstanceTable([final]);
  assertNotFailed(final);
}

function deleteCommand() {
  return new Command('delete')
    .alias('rm')
    .description('delete an instance (stop it first); asks no confirmation')
    .argument(REF, REF_HELP)
    .option('--wait', 'wait until the instance is gone')
    .option('--timeout <seconds>', 'give up waiting after this long', integerOption(1), DEFAULT_TIMEOUT_SECONDS)
    .option('--json', 'print the raw API JSON')
    .action(async (ref, opts, command) => {
      const { client } = await connect(command);
      const instance = await findInstance(client, ref);
      const result = await client.remove(instance.id);
      if (opts.wait) await waitForGone(client, instance.id, waitOptions(opts));
      if (opts.json) printJson(result);
      else printLine(`deleted ${instance.name} (${instance.id})`);
    });
}

export function instancesCommand() {
  return new Command('instances')
    .alias('instance')
    .description('create, inspect and operate notebook instances')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(updateCommand())
    .addCommand(actionCommand('start'))
    .addCommand(actionCommand('stop'))
    .addCommand(actionCommand('restart'))
    .addCommand(actionCommand('queue'))
    .addCommand(actionCommand('dequeue'))
    .addCommand(deleteCommand())
    .addCommand(logsCommand())
    .addCommand(shareCommand())
    .addCommand(unshareCommand())
    .addCommand(sharesCommand());
}
