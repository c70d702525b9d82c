/**
 * @module cli/share-commands
 * `demanager instances share|unshare|shares`: share a notebook with a member of its project, end
 * a share, and list who it is shared with. Instances are named by id or name, users by name (or,
 * for `unshare`, by id too, since a deleted user's share is gone with them anyway).
 */
import { Command } from '@commander-js/extra-typings';
import type { InstanceShare } from '../client/index.js';
import { connect } from './cli-context.js';
import { findInstance } from './instance-lookup.js';
import { formatTime, printJson, printLine, printTable } from './output.js';

const REF = '<instance>';
const REF_HELP = 'instance id or name';

function printShares(shares: readonly InstanceShare[]): void {
  printTable(
    ['USER', 'USER ID', 'GRANTED BY', 'GRANTED AT'],
    shares.map((s) => [s.user_name, s.user_id, s.granted_by_name ?? s.granted_by, formatTime(s.granted_at)]),
  );
}

export function shareCommand() {
  return new Command('share')
    .description('let a member of the project open the notebook with a token of their own (owner or project admin)')
    .argument(REF, REF_HELP)
    .argument('<user>', 'user name')
    .option('--json', 'print the raw API JSON')
    .action(async (ref, userName, opts, command) => {
      const { client } = await connect(command);
      const instance = await findInstance(client, ref);
      const share = await client.share(instance.id, { user_name: userName });
      if (opts.json) printJson(share);
      else printLine(`shared ${instance.name} (${instance.id}) with ${share.user_name}`);
    });
}

export function unshareCommand() {
  return new Command('unshare')
    .description("end a user's share: their next request is refused and their open kernels disconnected")
    .argument(REF, REF_HELP)
    .argument('<user>', 'user name or id')
    .action(async (ref, user, _opts, command) => {
      const { client } = await connect(command);
      const instance = await findInstance(client, ref);
      const { shares } = await client.shares(instance.id);
      // An unknown name is sent as an id, so the server says the instance is not shared with it.
      const share = shares.find((s) => s.user_name === user) ?? shares.find((s) => s.user_id === user);
      await client.unshare(instance.id, share?.user_id ?? user);
      printLine(`${instance.name} (${instance.id}) is no longer shared with ${share?.user_name ?? user}`);
    });
}

export function sharesCommand() {
  return new Command('shares')
    .description('list who the notebook is shared with')
    .argument(REF, REF_HELP)
    .option('--json', 'print the raw API JSON')
    .action(async (ref, opts, command) => {
      const { client } = await connect(command);
      const instance = await findInstance(client, ref);
      const list = await client.shares(instance.id);
      if (opts.json) printJson(list);
      else printShares(list.shares);
    });
}
