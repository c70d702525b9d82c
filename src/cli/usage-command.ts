/**
 * @module cli/usage-command
 * `demanager usage`: CPU-, GPU-, memory GiB- and instance-hours in a window, per user, flavor, UTC
 * day or (with --all-projects, for system admins) project, as a table, the API's JSON, or its CSV.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { UsageReport } from '../client/index.js';
import { escapeControlCharacters } from '../core/shared/control-characters.js';
import { connect } from './cli-context.js';
import { printJson, printTable } from './output.js';

const GROUPINGS = ['user', 'flavor', 'day', 'project'] as const;

function printReport(report: UsageReport): void {
  // A user or project has an id besides its name; a flavor or a day is its own name.
  const named = report.group_by === 'user' || report.group_by === 'project';
  const figures = (f: UsageReport['total']) =>
    [f.cpu_hours, f.gpu_hours, f.memory_gib_hours, f.instance_hours].map(String);
  printTable(
    [
      report.group_by.toUpperCase(),
      ...(named ? ['ID'] : []),
      'CPU-HOURS',
      'GPU-HOURS',
      'MEM-GIB-HOURS',
      'INSTANCE-HOURS',
    ],
    [
      ...report.groups.map((g) => [g.name, ...(named ? [g.key] : []), ...figures(g)]),
      ['TOTAL', ...(named ? [''] : []), ...figures(report.total)],
    ],
  );
}

export function usageCommand() {
  return new Command('usage')
    .description(
      'usage in a window: CPU, GPU, memory GiB and instance hours (project admins: the project; members: their own)',
    )
    .option('--since <time>', 'start: epoch ms or ISO-8601 (default: the start of this UTC month)')
    .option('--until <time>', 'end: epoch ms or ISO-8601 (default: now)')
    .addOption(
      new Option('--group-by <what>', 'user, flavor, day (UTC) or, with --all-projects, project').choices(GROUPINGS),
    )
    .option('--user <id>', "only this user's usage")
    .option('--all-projects', 'every project (system admins)')
    .option('--project <id>', 'with --all-projects: only this project')
    .addOption(new Option('--csv', "print the server's CSV").conflicts('json'))
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      if (opts.groupBy === 'project' && !opts.allProjects) command.error('--group-by project needs --all-projects');
      if (opts.project !== undefined && !opts.allProjects) command.error('--project needs --all-projects');
      const query = {
        since: opts.since,
        until: opts.until,
        user_id: opts.user,
        ...(opts.groupBy ? { group_by: opts.groupBy } : {}),
      };
      if (opts.csv) {
        const csv = opts.allProjects
          ? await client.allUsageReportCsv({ ...query, project_id: opts.project })
          : await client.usageReportCsv({ ...query, group_by: opts.groupBy === 'project' ? undefined : opts.groupBy });
        // Names come from the server: control characters are printed inert, as everywhere.
        process.stdout.write(csv.split('\r\n').map(escapeControlCharacters).join('\r\n'));
        return;
      }
      const report = opts.allProjects
        ? await client.allUsageReport({ ...query, project_id: opts.project })
        : await client.usageReport({ ...query, group_by: opts.groupBy === 'project' ? undefined : opts.groupBy });
      if (opts.json) printJson(report);
      else printReport(report);
    });
}
