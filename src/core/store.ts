/**
 * @module core/store
 * What the domain needs from persistence. Every method is async so that SQLite and PostgreSQL
 * implementations are interchangeable; implementations live in `src/store/` and are checked by
 * one contract suite.
 */
import type { Instance } from './instance.js';
import type { InstanceStatus } from './statuses.js';
import type { Project, RoleAssignment, RoleName, StoredToken, User } from './identity-types.js';

export type SortKey = 'name' | 'creation_timestamp';

export interface InstanceQuery {
  projectId: string;
  /** Only this user's instances (`show_self`). */
  userId?: string;
  status?: InstanceStatus;
  workspaceId?: string;
  aiProjectId?: string;
  poolId?: string;
  sortBy: SortKey;
  order: 'asc' | 'desc';
  offset: number;
  /** 0 means no limit. */
  limit: number;
}

export interface InstancePage {
  items: Instance[];
  total: number;
}

export class DuplicateNameError extends Error {
  constructor(name: string) {
    super(`an instance named ${name} already exists in the project`);
    this.name = 'DuplicateNameError';
  }
}

export class DuplicateKeyError extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = 'DuplicateKeyError';
  }
}

export interface InstanceRepository {
  /** Inserts with version 1; throws {@link DuplicateNameError} when (project, name) is taken. */
  insert(instance: Instance): Promise<void>;
  get(projectId: string, id: string): Promise<Instance | undefined>;
  getById(id: string): Promise<Instance | undefined>;
  list(query: InstanceQuery): Promise<InstancePage>;
  /** Every instance (of every project) whose status is one of `statuses`. */
  listByStatus(statuses: readonly InstanceStatus[]): Promise<Instance[]>;
  /** Number of instances per flavor for one user of one project. */
  countByFlavor(projectId: string, userId: string): Promise<Map<string, number>>;
  /**
   * Writes `next` if the stored version still equals `next.version`; the stored version becomes
   * `next.version + 1`. Returns the written instance, or undefined when someone else wrote first.
   */
  update(next: Instance): Promise<Instance | undefined>;
  /** Deletes if the stored version still equals `version`. */
  delete(id: string, version: number): Promise<boolean>;
}

export interface IdentityRepository {
  insertUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  findUserByName(domain: string, name: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  updateUser(user: User): Promise<void>;
  deleteUser(id: string): Promise<boolean>;

  insertProject(project: Project): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  findProjectByName(domain: string, name: string): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;
  deleteProject(id: string): Promise<boolean>;

  assignRole(assignment: RoleAssignment): Promise<void>;
  unassignRole(assignment: RoleAssignment): Promise<boolean>;
  listAssignments(filter: { projectId?: string; userId?: string }): Promise<RoleAssignment[]>;
  rolesOf(userId: string, projectId: string): Promise<RoleName[]>;

  insertToken(token: StoredToken): Promise<void>;
  findToken(hash: string): Promise<StoredToken | undefined>;
  deleteTokensOfUser(userId: string): Promise<void>;
  deleteExpiredTokens(now: number): Promise<number>;
}

export interface Store {
  readonly instances: InstanceRepository;
  readonly identity: IdentityRepository;
  /** Brings the schema to the newest version; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
