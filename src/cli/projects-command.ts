/**
 * @module cli/projects-command
 * `demanager projects list|create|delete` (system administrators).
 */
import { Command } from '@commander-js/extra-typings';
import type { Project } from '../client/index.js';
import { connect } from './cli-context.js';
import { findProject } from './identity-lookup.js';
import { printJson, printLine, printTable } from './output.js';

function printProjects(projects: readonly Project[]): void {
  printTable(
    ['ID', 'NAME', 'DOMAIN', 'DESCRIPTION'],
    projects.map((p) => [p.id, p.name, p.domain_id, p.description]),
  );
}

function listCommand() {
  return new Command('list')
    .alias('ls')
    .description('list projects')
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const projects = await client.listProjects();
      if (opts.json) printJson({ projects });
      else printProjects(projects);
    });
}

function createCommand() {
  return new Command('create')
    .description('create a project')
    .argument('<name>', 'project name')
    .option('--description <text>', 'free text')
    .option('--domain <id>', 'domain (default: the server default)')
    .option('--json', 'print the raw API JSON')
    .action(async (name, opts, command) => {
      const { client } = await connect(command);
      const project = await client.createProject({
        name,
        ...(opts.description ? { description: opts.description } : {}),
        ...(opts.domain ? { domain_id: opts.domain } : {}),
      });
      if (opts.json) printJson({ project });
      else printProjects([project]);
    });
}

function deleteCommand() {
  return new Command('delete')
    .alias('rm')
    .description('delete a project (it must have no instances)')
    .argument('<project>', 'project id or name')
    .action(async (ref, _opts, command) => {
      const { client } = await connect(command);
      const project = await findProject(client, ref);
      await client.deleteProject(project.id);
      printLine(`deleted project ${project.name} (${project.id})`);
    });
}

export function projectsCommand() {
  return new Command('projects')
    .alias('project')
    .description('manage projects (system administrators)')
    .addCommand(listCommand())
    .addCommand(createCommand())
    .addCommand(deleteCommand());
}
