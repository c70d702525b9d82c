/**
 * @module cli/buckets-command
 * `demanager buckets list|assign|release` (system administrators): which project holds each obs
 * bucket, giving one to a project, releasing one no instance uses.
 */
import { Command } from '@commander-js/extra-typings';
import type { Bucket } from '../client/index.js';
import { connect } from './cli-context.js';
import { findProject } from './identity-lookup.js';
import { printJson, printTable } from './output.js';

function printBuckets(buckets: readonly Bucket[]): void {
  printTable(
    ['NAME', 'PROJECT', 'INSTANCES', 'SINCE', 'ASSIGNED BY'],
    buckets.map((b) => [
      b.name,
      b.project_id,
      String(b.instances),
      new Date(b.claimed_at).toISOString(),
      b.assigned_by ?? '-',
    ]),
  );
}

function listCommand() {
  return new Command('list')
    .alias('ls')
    .description('list obs buckets and the projects that hold them')
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const buckets = await client.listBuckets();
      if (opts.json) printJson({ buckets });
      else printBuckets(buckets);
    });
}

function assignCommand() {
  return new Command('assign')
    .description(
      "give an obs bucket to a project (its files go with it; the old holder's instances there no longer start)",
    )
    .argument('<bucket>', 'bucket name (the first segment of an obs path)')
    .requiredOption('--project <project>', 'project id or name')
    .option('--json', 'print the raw API JSON')
    .action(async (name, opts, command) => {
      const { client } = await connect(command);
      const project = await findProject(client, opts.project);
      const bucket = await client.assignBucket(name, project.id);
      if (opts.json) printJson({ bucket });
      else printBuckets([bucket]);
    });
}

function releaseCommand() {
  return new Command('release')
    .description('release an obs bucket no instance uses (its files stay for the next project that claims it)')
    .argument('<bucket>', 'bucket name')
    .action(async (name, _opts, command) => {
      const { client } = await connect(command);
      await client.releaseBucket(name);
      process.stdout.write(`released obs bucket ${name}\n`);
    });
}

export function bucketsCommand() {
  return new Command('buckets')
    .alias('bucket')
    .description('manage obs buckets (system administrators)')
    .addCommand(listCommand())
    .addCommand(assignCommand())
    .addCommand(releaseCommand());
}
