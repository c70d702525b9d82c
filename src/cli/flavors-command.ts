/**
 * @module cli/flavors-command
 * `demanager flavors`: the flavor catalog as the caller sees it (`GET …/demanager/flavors`, as the
 * console's create form reads it): size, sold out or not, capacity, and the queue — its policy,
 * the days a fair queue weighs and how many instances one user may have waiting. Who goes first
 * under each policy is said in words on stderr, so stdout stays a table.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { type CatalogFlavor, queuePolicyLabel, sizeParts, whoGoesFirst, windowText } from '../client/index.js';
import { connect } from './cli-context.js';
import { note, printJson, printTable } from './output.js';

function stateOf(f: CatalogFlavor): string {
  if (!f.is_permitted) return 'not permitted';
  return f.status === 'soldOut' ? 'sold out' : 'on sale';
}

function printFlavors(flavors: readonly CatalogFlavor[]): void {
  printTable(
    ['NAME', 'TYPE', 'SIZE', 'STATE', 'CAPACITY', 'WAITING', 'QUEUE', 'FAIR-WINDOW', 'MAX-WAITING/USER'],
    flavors.map((f) => [
      f.name,
      f.type,
      sizeParts(f.params).join(', ') || '-',
      stateOf(f),
      f.capacity === 0 ? 'unlimited' : String(f.capacity),
      f.queues ? String(f.queuing_num ?? 0) : '-',
      f.queues ? f.queue_policy : 'no',
      f.queues && f.queue_policy === 'fair' ? windowText(f.fair_window_days) : '-',
      !f.queues ? '-' : f.max_waiting_per_user === 0 ? 'no limit' : String(f.max_waiting_per_user),
    ]),
  );
  // One explanation per kind of queue listed, not one per flavor.
  const said = new Set<string>();
  for (const f of flavors) {
    const words = `${queuePolicyLabel(f)}: ${whoGoesFirst({ ...f, max_waiting_per_user: 0 })}`;
    if (f.queues && !said.has(words)) {
      said.add(words);
      note(words);
    }
  }
}

export function flavorsCommand() {
  return new Command('flavors')
    .description(
      'list the flavors (sizes) of the catalog: capacity, whether a full one queues, and who of those waiting goes first',
    )
    .addOption(new Option('--type <type>', 'only CPU or GPU flavors').choices(['CPU', 'GPU'] as const))
    .option('--profile <id>', 'only the flavors this profile (image) runs on')
    .option('--json', 'print the raw API JSON')
    .addHelpText(
      'after',
      '\nQueues: "fifo" admits the first to arrive; "fair" admits whoever used the flavor least over its fair window\n' +
        '(ties by arrival), so a user who used it less may start before one who came earlier.',
    )
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const answer = await client.flavors({
        ...(opts.type ? { flavor_type: opts.type } : {}),
        ...(opts.profile !== undefined ? { profile_id: opts.profile } : {}),
      });
      if (opts.json) printJson(answer);
      else printFlavors(answer.flavors);
    });
}
