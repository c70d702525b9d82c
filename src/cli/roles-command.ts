/**
 * @module cli/roles-command
 * `demanager roles assign|unassign|list`: project roles of users (system administrators). A user
 * has one role per project: `admin` acts on every instance of the project, `member` on its own.
 */
import { Argument, Command } from '@commander-js/extra-typings';
import type { RoleName } from '../client/index.js';
import { connect } from './cli-context.js';
import { findProject, findUser, pickProject, pickUser } from './identity-lookup.js';
import { printJson, printLine, printTable } from './output.js';

const ROLES = ['admin', 'member'] as const satisfies readonly RoleName[];

function changeCommand(kind: 'assign' | 'unassign') {
  return new Command(kind)
    .description(
      kind === 'assign' ? "give a user a role in a project (replaces the user's other role there)" : 'take a role away',
    )
    .addArgument(new Argument('<role>', 'admin or member').choices(ROLES))
    .requiredOption('--user <user>', 'user id or name')
    .requiredOption('--project <project>', 'project id or name')
    .action(async (role, opts, command) => {
      const { client } = await connect(command);
      const [user, project] = await Promise.all([findUser(client, opts.user), findProject(client, opts.project)]);
      const assignment = { projectId: project.id, userId: user.id, role };
      if (kind === 'assign') await client.assignRole(assignment);
      else await client.unassignRole(assignment);
      printLine(`${kind === 'assign' ? 'assigned' : 'unassigned'} ${role} of ${user.name} in project ${project.name}`);
    });
}

function listCommand() {
  return new Command('list')
    .alias('ls')
    .description('list role assignments')
    .option('--user <user>', 'only this user (id or name)')
    .option('--project <project>', 'only this project (id or name)')
    .option('--json', 'print the raw API JSON')
    .action(async (opts, command) => {
      const { client } = await connect(command);
      const [users, projects] = await Promise.all([client.listUsers(), client.listProjects()]);
      const user = opts.user ? pickUser(users, opts.user) : undefined;
      const project = opts.project ? pickProject(projects, opts.project) : undefined;
      const assignments = await client.listAssignments({
        ...(user ? { userId: user.id } : {}),
        ...(project ? { projectId: project.id } : {}),
      });
      if (opts.json) return printJson({ role_assignments: assignments });
      const userName = new Map(users.map((u) => [u.id, u.name]));
      const projectName = new Map(projects.map((p) => [p.id, p.name]));
      printTable(
        ['ROLE', 'USER', 'PROJECT', 'USER-ID', 'PROJECT-ID'],
        assignments.map((a) => [
          a.role.name,
          userName.get(a.user.id) ?? '?',
          projectName.get(a.scope.project.id) ?? '?',
          a.user.id,
          a.scope.project.id,
        ]),
      );
    });
}

export function rolesCommand() {
  return new Command('roles')
    .alias('role')
    .description('manage project roles of users (system administrators)')
    .addCommand(changeCommand('assign'))
    .addCommand(changeCommand('unassign'))
    .addCommand(listCommand());
}
