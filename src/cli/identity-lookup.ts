/**
 * @module cli/identity-lookup
 * Users and projects named on the command line by id or by name.
 */
import type { DemanagerClient, Project, User, UserInstance } from '../client/index.js';
import { NotFoundError, UsageError } from './cli-errors.js';

function pick<T extends { id: string; name: string }>(
  kind: string,
  items: readonly T[],
  ref: string,
  apart = 'in different domains',
): T {
  const byId = items.find((item) => item.id === ref);
  if (byId) return byId;
  const byName = items.filter((item) => item.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new UsageError(`${byName.length} ${kind}s are named ${ref} (${apart}); give the id`);
  throw new NotFoundError(`no ${kind} with the id or name ${ref}`);
}

export const pickUser = (users: readonly User[], ref: string): User => pick('user', users, ref);
export const pickProject = (projects: readonly Project[], ref: string): Project => pick('project', projects, ref);
/** One of a user's instances, by id or by a name unique among them (names are unique per project only). */
export const pickUserInstance = (instances: readonly UserInstance[], ref: string): UserInstance =>
  pick('instance', instances, ref, 'in different projects');

export async function findUser(client: DemanagerClient, ref: string): Promise<User> {
  return pickUser(await client.listUsers(), ref);
}

export async function findProject(client: DemanagerClient, ref: string): Promise<Project> {
  return pickProject(await client.listProjects(), ref);
}
