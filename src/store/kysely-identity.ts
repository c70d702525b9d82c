/**
 * @module store/kysely-identity
 * Users, projects, role assignments, token hashes and access keys over any `Kysely<Database>`.
 * Deleting a user or project removes its role assignments, tokens (and a user's access keys)
 * through the foreign keys' ON DELETE CASCADE.
 */
import type { Kysely, Selectable } from 'kysely';
import type {
  Project,
  RoleAssignment,
  RoleName,
  StoredAccessKey,
  StoredToken,
  User,
} from '../core/model/identity-types.js';
import { DuplicateKeyError, type IdentityRepository } from '../core/ports/store.js';
import {
  fromFlag,
  isUniqueViolation,
  toFlag,
  toNumber,
  type AccessKeysTable,
  type Database,
  type ProjectsTable,
  type RoleAssignmentsTable,
  type TokensTable,
  type UsersTable,
} from './database.js';

function userFromRow(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    passwordHash: row.password_hash,
    isSystemAdmin: fromFlag(row.is_system_admin),
    enabled: fromFlag(row.enabled),
    createdAt: toNumber(row.created_at),
  };
}

function projectFromRow(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    description: row.description,
    createdAt: toNumber(row.created_at),
  };
}

function assignmentFromRow(row: Selectable<RoleAssignmentsTable>): RoleAssignment {
  return { projectId: row.project_id, userId: row.user_id, role: row.role as RoleName };
}

function tokenFromRow(row: Selectable<TokensTable>): StoredToken {
  return {
    hash: row.hash,
    userId: row.user_id,
    projectId: row.project_id,
    issuedAt: toNumber(row.issued_at),
    expiresAt: toNumber(row.expires_at),
  };
}

function accessKeyFromRow(row: Selectable<AccessKeysTable>): StoredAccessKey {
  return {
    accessKey: row.access_key,
    userId: row.user_id,
    sealedSecret: row.sealed_secret,
    description: row.description,
    createdAt: toNumber(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : toNumber(row.last_used_at),
  };
}

async function rejectingDuplicates(what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateKeyError(what);
    throw error;
  }
}

export class KyselyIdentityRepository implements IdentityRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insertUser(user: User): Promise<void> {
    await rejectingDuplicates(`user ${user.name}`, () =>
      this.#db
        .insertInto('users')
        .values({
          id: user.id,
          name: user.name,
          domain: user.domain,
          password_hash: user.passwordHash,
          is_system_admin: toFlag(user.isSystemAdmin),
          enabled: toFlag(user.enabled),
          created_at: user.createdAt,
        })
        .execute(),
    );
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : userFromRow(row);
  }

  async findUserByName(domain: string, name: string): Promise<User | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('domain', '=', domain)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : userFromRow(row);
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('domain').orderBy('name').execute();
    return rows.map(userFromRow);
  }

  /** Rewrites everything but the id and the creation time. */
  async updateUser(user: User): Promise<void> {
    await rejectingDuplicates(`user ${user.name}`, () =>
      this.#db
        .updateTable('users')
        .set({
          name: user.name,
          domain: user.domain,
          password_hash: user.passwordHash,
          is_system_admin: toFlag(user.isSystemAdmin),
          enabled: toFlag(user.enabled),
        })
        .where('id', '=', user.id)
        .execute(),
    );
  }

  async deleteUser(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async insertProject(project: Project): Promise<void> {
    await rejectingDuplicates(`project ${project.name}`, () =>
      this.#db
        .insertInto('projects')
        .values({
          id: project.id,
          name: project.name,
          domain: project.domain,
          description: project.description,
          created_at: project.createdAt,
        })
        .execute(),
    );
  }

  async getProject(id: string): Promise<Project | undefined> {
    const row = await this.#db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : projectFromRow(row);
  }

  async findProjectByName(domain: string, name: string): Promise<Project | undefined> {
    const row = await this.#db
      .selectFrom('projects')
      .selectAll()
      .where('domain', '=', domain)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : projectFromRow(row);
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.#db.selectFrom('projects').selectAll().orderBy('domain').orderBy('name').execute();
    return rows.map(projectFromRow);
  }

  async deleteProject(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Idempotent: assigning a role the user already has changes nothing. */
  async assignRole(assignment: RoleAssignment): Promise<void> {
    await this.#db
      .insertInto('role_assignments')
      .values({ project_id: assignment.projectId, user_id: assignment.userId, role: assignment.role })
      .onConflict((oc) => oc.columns(['project_id', 'user_id', 'role']).doNothing())
      .execute();
  }

  async unassignRole(assignment: RoleAssignment): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('role_assignments')
      .where('project_id', '=', assignment.projectId)
      .where('user_id', '=', assignment.userId)
      .where('role', '=', assignment.role)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listAssignments(filter: { projectId?: string; userId?: string }): Promise<RoleAssignment[]> {
    let query = this.#db.selectFrom('role_assignments').selectAll();
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    const rows = await query.orderBy('project_id').orderBy('user_id').orderBy('role').execute();
    return rows.map(assignmentFromRow);
  }

  async rolesOf(userId: string, projectId: string): Promise<RoleName[]> {
    const rows = await this.#db
      .selectFrom('role_assignments')
      .select('role')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .orderBy('role')
      .execute();
    return rows.map((r) => r.role as RoleName);
  }

  async revision(): Promise<number> {
    const row = await this.#db
      .selectFrom('identity_revision')
      .select('revision')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return toNumber(row.revision);
  }

  async insertToken(token: StoredToken): Promise<void> {
    await rejectingDuplicates('token', () =>
      this.#db
        .insertInto('tokens')
        .values({
          hash: token.hash,
          user_id: token.userId,
          project_id: token.projectId,
          issued_at: token.issuedAt,
          expires_at: token.expiresAt,
        })
        .execute(),
    );
  }

  async findToken(hash: string): Promise<StoredToken | undefined> {
    const row = await this.#db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : tokenFromRow(row);
  }

  async deleteToken(hash: string): Promise<void> {
    await this.#db.deleteFrom('tokens').where('hash', '=', hash).execute();
  }

  async deleteTokensOfUser(userId: string): Promise<void> {
    await this.#db.deleteFrom('tokens').where('user_id', '=', userId).execute();
  }

  /** A token expiring exactly at `now` counts as expired. */
  async deleteExpiredTokens(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('tokens').where('expires_at', '<=', now).executeTakeFirst();
    return toNumber(result.numDeletedRows);
  }

  async insertAccessKey(key: StoredAccessKey): Promise<void> {
    await rejectingDuplicates('access key', () =>
      this.#db
        .insertInto('access_keys')
        .values({
          access_key: key.accessKey,
          user_id: key.userId,
          sealed_secret: key.sealedSecret,
          description: key.description,
          created_at: key.createdAt,
          last_used_at: key.lastUsedAt,
        })
        .execute(),
    );
  }

  async getAccessKey(accessKey: string): Promise<StoredAccessKey | undefined> {
    const row = await this.#db
      .selectFrom('access_keys')
      .selectAll()
      .where('access_key', '=', accessKey)
      .executeTakeFirst();
    return row === undefined ? undefined : accessKeyFromRow(row);
  }

  async listAccessKeys(userId: string): Promise<StoredAccessKey[]> {
    const rows = await this.#db
      .selectFrom('access_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('access_key')
      .execute();
    return rows.map(accessKeyFromRow);
  }

  async deleteAccessKey(accessKey: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('access_keys').where('access_key', '=', accessKey).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async touchAccessKey(accessKey: string, at: number): Promise<void> {
    await this.#db.updateTable('access_keys').set({ last_used_at: at }).where('access_key', '=', accessKey).execute();
  }

  async replaceSealedSecret(accessKey: string, expected: string, sealed: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('access_keys')
      .set({ sealed_secret: sealed })
      .where('access_key', '=', accessKey)
      .where('sealed_secret', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
