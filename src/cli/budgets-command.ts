/**
 * @module cli/budgets-command
 * `demanager budgets list|set|remove`: system administrators set a project's or a user's GPU-hours
 * and CPU-hours per month or rolling 30 days; anyone lists the budgets over their own work
 * (`list --mine`), with what was used and when it runs out.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { BudgetScope, BudgetStatus, DemanagerClient } from '../client/index.js';
import { UsageError } from './cli-errors.js';
import { connect } from './cli-context.js';
import { findProject, findUser } from './identity-lookup.js';
import { hoursOption } from './option-parsers.js';
import { formatTime, printJson, printLine, printTable } from './output.js';

const limitText = (used: number, limit: number | null) => (limit === null ? '-' : `${used} / ${limit}`);

function printBudgets(budgets: readonly BudgetStatus[]): void {
  printTable(
    ['SCOPE', 'NAME', 'PERIOD', 'GPU-HOURS', 'CPU-HOURS', 'EXHAUSTED', 'RUNS OUT', 'RENEWS'],
    budgets.map((b) => [
      b.scope,
      b.name,
      b.period,
      limitText(b.used.gpu_hours, b.gpu_hours),
      limitText(b.used.cpu_hours, b.cpu_hours),
      b.exhausted ? 'yes' : 'no',
      formatTime(b.runs_out_at),
      formatTime(b.renews_at),
    ]),
  );
}

/** The budget's target from `--project` or `--user` (exactly one). */
async function targetOf(
  client: DemanagerClient,
  opts: { project?: string; user?: string },
): Promise<{ scope: BudgetScope; id: string; name: string }> {
  if ((opts.project === undefined) === (opts.user === undefined)) throw new UsageError('give --project or --user');
  if (opts.project !== undefined) {
    const project = await findProject(client, opts.project);
    return { scope: 'project', id: project.id, name: project.name };
  }
  const user = await findUser(client, opts.user!);
  return { scope: 'user', id: user.id, name: user.name };
}

function listCommand() {
  return new Command('list')
    .alias('ls')
    .description("list every budget (system administrators), or with --mine your project's and your own")
    .option('--mine', "the current project's budget and your own (any member)")
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const budgets = opts.mine ? await client.budgets() : await client.listBudgets();
      if (opts.json) printJson({ budgets });
      else printBudgets(budgets);
    });
}

function setCommand() {
  return new Command('set')
    .description("set a project's or a user's budget, replacing the one it had (system administrators)")
    .option('--project <project>', 'project id or name')
    .option('--user <user>', "user id or name (the user's usage in every project)")
    .option('--gpu-hours <hours>', 'GPU-hours per period, or none', hoursOption)
    .option('--cpu-hours <hours>', 'CPU-hours per period, or none', hoursOption)
    .addOption(
      new Option('--period <period>', 'calendar month (UTC) or the last 30 days')
        .choices(['month', 'rolling_30d'] as const)
        .default('month' as const),
    )
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const target = await targetOf(client, opts);
      const budget = await client.setBudget(target.scope, target.id, {
        gpu_hours: opts.gpuHours ?? null,
        cpu_hours: opts.cpuHours ?? null,
        period: opts.period,
      });
      if (opts.json) printJson({ budget });
      else printBudgets([budget]);
    });
}

function removeCommand() {
  return new Command('remove')
    .alias('rm')
    .description("lift a project's or a user's budget (system administrators)")
    .option('--project <project>', 'project id or name')
    .option('--user <user>', 'user id or name')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const target = await targetOf(client, opts);
      await client.removeBudget(target.scope, target.id);
      printLine(`removed the budget of ${target.scope} ${target.name}`);
    });
}

export function budgetsCommand() {
  return new Command('budgets')
    .alias('budget')
    .description('GPU-hours and CPU-hours budgets of projects and users')
    .addCommand(listCommand())
    .addCommand(setCommand())
    .addCommand(removeCommand());
}
