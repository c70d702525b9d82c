/**
 * @module cli/logs-command
 * `demanager instances logs <instance> [--tail N] [--follow]`: the last lines of the notebook's log
 * (tokens masked by the server), and with `--follow` the new ones as they come, asked for every
 * `--interval` seconds until Ctrl-C (or until the instance is gone: exit 1, its error said).
 */
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { DemanagerClient, NotebookLog } from '../client/index.js';
import { linesAfter } from '../client/log-follow.js';
import { DEFAULT_LOG_TAIL, MAX_LOG_TAIL } from '../core/model/notebook-log-limits.js';
import { connect } from './cli-context.js';
import { findInstance } from './instance-lookup.js';
import { integerOption } from './option-parsers.js';
import { note, printJson, printLine } from './output.js';

/** What the API answers at most; a follower asks for this much, so that two tails meet. */
const MAX_TAIL = MAX_LOG_TAIL;

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n < 0.1) throw new InvalidArgumentError('At least 0.1 seconds.');
  return n;
}

function tailOption(value: string): number {
  const n = integerOption(1)(value);
  if (n > MAX_TAIL) throw new InvalidArgumentError(`At most ${MAX_TAIL}.`);
  return n;
}

async function follow(client: DemanagerClient, id: string, shown: NotebookLog, intervalMs: number): Promise<never> {
  let last = shown.lines;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const next = await client.logs(id, { tail: MAX_TAIL });
    for (const line of linesAfter(last, next.lines)) printLine(line);
    last = next.lines;
  }
}

export function logsCommand() {
  return new Command('logs')
    .description("print the last lines of the notebook's log (owner, project admins and users it is shared with)")
    .argument('<instance>', 'instance id or name')
    .option('-n, --tail <lines>', `how many of the last lines (1 … ${MAX_TAIL})`, tailOption, DEFAULT_LOG_TAIL)
    .option('-f, --follow', 'keep printing new lines as they come, until Ctrl-C')
    .addOption(
      new Option('--interval <seconds>', 'with --follow: how often to ask for new lines').argParser(seconds).default(2),
    )
    .option('--json', 'print the raw API JSON (not with --follow)')
    .action(async (ref, opts, command) => {
      const { client } = await connect(command);
      const instance = await findInstance(client, ref);
      const log = await client.logs(instance.id, { tail: opts.tail });
      if (opts.json && !opts.follow) return printJson(log);
      if (!log.available) note(`no log is kept for ${instance.name} (never started, or its runtime keeps none)`);
      else if (log.truncated) note(`(the last ${log.lines.length} lines)`);
      for (const line of log.lines) printLine(line);
      if (opts.follow) await follow(client, instance.id, log, opts.interval * 1000);
    });
}
