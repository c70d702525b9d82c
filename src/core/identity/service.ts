/**
 * @module core/identity/service
 * Users, projects, roles and tokens: password login, token authentication (and the principal of
 * a signed request), and the operations behind the Keystone-shaped admin endpoints. Tokens are
 * random strings handed out once; the store keeps only their SHA-256.
 */
import { randomBytes } from 'node:crypto';
import { SignatureRejected } from './access-keys.js';
import type { Clock } from '../shared/clock.js';
import { checkFreeText } from '../shared/control-characters.js';
import { DomainError } from '../shared/errors.js';
import type { Project, RoleAssignment, RoleName, StoredToken, User } from '../model/identity-types.js';
import type { LoginThrottle } from './login-throttle.js';
import { IDENTITY_CACHE_MS, ReadCache, type Generation } from '../shared/read-cache.js';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  randomHex,
  randomPassword,
  sha256Hex,
  verifyPassword,
} from './passwords.js';
import { DuplicateKeyError, type Store } from '../ports/store.js';

/** Who is calling, resolved from a token or an access key's signature. */
export interface Principal {
  userId: string;
  userName: string;
  domain: string;
  projectId: string;
  projectName: string;
  roles: RoleName[];
  isSystemAdmin: boolean;
  issuedAt: number;
  expiresAt: number;
}

export interface LoginRequest {
  userName: string;
  password: string;
  domain?: string;
  project?: { id?: string; name?: string };
  /** The client's address, for the per-address login lockout. */
  address?: string;
}

export interface IssuedToken {
  token: string;
  principal: Principal;
}

export interface BootstrapResult {
  created: boolean;
  user: string;
  project: Project;
  /** Only when the password was generated; print it once. */
  generatedPassword: string | null;
}

/** What a token or a signing user resolves to, before the per-request checks (expiry, roles). */
interface Resolved {
  user: User | undefined;
  project: Project;
  roles: RoleName[];
}

const MIN_PASSWORD_LENGTH = 8;
const NAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

export interface IdentityServiceOptions {
  store: Store;
  clock: Clock;
  tokenTtlMs: number;
  /** The domain a user or project named without one belongs to. */
  defaultDomain: string;
  throttle?: LoginThrottle;
  /** Identity writes through this process's store; given, token and signer lookups are cached. */
  changes?: Generation;
}

export class IdentityService {
  readonly #tokens: ReadCache<string, Resolved & { token: StoredToken }> | undefined;
  readonly #signers: ReadCache<string, Resolved> | undefined;

  private readonly store: Store;
  private readonly clock: Clock;
  private readonly tokenTtlMs: number;
  readonly defaultDomain: string;
  private readonly throttle: LoginThrottle | undefined;

  constructor(options: IdentityServiceOptions) {
    ({
      store: this.store,
      clock: this.clock,
      tokenTtlMs: this.tokenTtlMs,
      defaultDomain: this.defaultDomain,
      throttle: this.throttle,
    } = options);
    const { changes } = options;
    if (changes) {
      this.#tokens = new ReadCache(changes, IDENTITY_CACHE_MS);
      this.#signers = new ReadCache(changes, IDENTITY_CACHE_MS);
    }
  }

  /** Creates the first admin user and project when the store has no users. */
  async bootstrap(options: {
    adminUser: string;
    adminPassword: string | null;
    project: string;
  }): Promise<BootstrapResult> {
    const notCreated = async (): Promise<BootstrapResult> => ({
      created: false,
      user: options.adminUser,
      project:
        (await this.store.identity.findProjectByName(this.defaultDomain, options.project)) ??
        (await this.store.identity.listProjects())[0]!,
      generatedPassword: null,
    });
    if ((await this.store.identity.listUsers()).length > 0) return notCreated();
    // Replicas may start together on an empty database: whoever loses a race takes the winner's.
    const project = await this.#findOrCreateProject(options.project);
    const password = options.adminPassword ?? randomPassword();
    let user: User;
    try {
      user = await this.createUser({ name: options.adminUser, password, isSystemAdmin: true });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'IAM.0003') return notCreated();
      throw err;
    }
    await this.assignRole({ projectId: project.id, userId: user.id, role: 'admin' });
    return { created: true, user: user.name, project, generatedPassword: options.adminPassword ? null : password };
  }

  async #findOrCreateProject(name: string): Promise<Project> {
    const existing = await this.store.identity.findProjectByName(this.defaultDomain, name);
    if (existing) return existing;
    try {
      return await this.createProject({ name, description: 'Created on first start' });
    } catch (err) {
      const winner = await this.store.identity.findProjectByName(this.defaultDomain, name);
      if (err instanceof DomainError && err.code === 'IAM.0003' && winner) return winner;
      throw err;
    }
  }

  /**
   * Password login. While the name or the address is locked out every attempt, the right password
   * included, is refused with 401 IAM.0005 before any lookup, the same for names that do not exist.
   */
  async login(request: LoginRequest): Promise<IssuedToken> {
    const domain = request.domain || this.defaultDomain;
    const attempt = { domain, userName: request.userName, ...(request.address ? { address: request.address } : {}) };
    const lockedMs = this.throttle?.lockedFor(attempt) ?? 0;
    if (lockedMs > 0) throw new DomainError('IAM.0005').retryableIn(lockedMs);
    const user = await this.store.identity.findUserByName(domain, request.userName);
    // Verify against a dummy hash for unknown users so response time does not reveal who exists.
    const ok = await verifyPassword(request.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok || !user.enabled) {
      this.throttle?.failed(attempt);
      throw new DomainError('IAM.0001');
    }
    // The count is cleared only once the whole login stands: a right password with a project
    // that does not exist (or is not the user's) is a failure, else it would tell a guesser the
    // password is right by leaving the name's count at zero.
    const project = await this.#scopeProject(user, request.project, user.isSystemAdmin).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'IAM.0001') this.throttle?.failed(attempt);
      throw err;
    });
    this.throttle?.succeeded(attempt);
    const roles = await this.store.identity.rolesOf(user.id, project.id);
    const token = `dm1.${randomBytes(32).toString('base64url')}`;
    const issuedAt = this.clock.now();
    const expiresAt = issuedAt + this.tokenTtlMs;
    await this.store.identity.insertToken({
      hash: sha256Hex(token),
      userId: user.id,
      projectId: project.id,
      issuedAt,
      expiresAt,
    });
    return { token, principal: this.#principal(user, project, roles, issuedAt, expiresAt) };
  }

  /**
   * The project a login or a signature acts in. `anyProject` (a system admin's password login) may
   * name a project where the user holds no role, and without a scope falls back to the first
   * project of all: whatever roles were removed, a system admin can always sign in and repair them
   * (such a token serves the administration API only; see api/auth).
   */
  async #scopeProject(user: User, scope: LoginRequest['project'], anyProject = false): Promise<Project> {
    let project: Project | undefined;
    // An empty id names no project: it must not fall through to the first one (`/v1//…` signed).
    if (scope?.id !== undefined) project = await this.store.identity.getProject(scope.id);
    else if (scope?.name) project = await this.store.identity.findProjectByName(user.domain, scope.name);
    else {
      // Keystone would issue an unscoped token; every API here needs a project, so take the first one.
      const assignments = await this.store.identity.listAssignments({ userId: user.id });
      const projects = await Promise.all(assignments.map((a) => this.store.identity.getProject(a.projectId)));
      project = firstByName(projects.filter((p): p is Project => !!p));
      if (!project && anyProject) project = firstByName(await this.store.identity.listProjects());
    }
    if (!project || (!anyProject && (await this.store.identity.rolesOf(user.id, project.id)).length === 0)) {
      // Same answer for "no such project" and "not a member", as Keystone does.
      throw new DomainError('IAM.0001');
    }
    return project;
  }

  /** Resolves a token to its principal, or throws 0201 (unknown) / 0202 (expired). */
  async authenticate(token: string): Promise<Principal> {
    const hash = sha256Hex(token);
    const load = () => this.#resolveToken(hash);
    const { token: stored, user, project, roles } = await (this.#tokens ? this.#tokens.get(hash, load) : load());
    if (stored.expiresAt <= this.clock.now()) throw new DomainError('ModelArts.0202');
    // A system admin's token stays valid without a role in its project (api/auth keeps it off the project's paths).
    if (!user?.enabled || (roles.length === 0 && !user.isSystemAdmin)) throw new DomainError('ModelArts.0203');
    return this.#principal(user, project, roles, stored.issuedAt, stored.expiresAt);
  }

  /** Throws (so nothing is cached) for an unknown token or a vanished project. */
  async #resolveToken(hash: string): Promise<Resolved & { token: StoredToken }> {
    const stored = await this.store.identity.findToken(hash);
    if (!stored) throw new DomainError('ModelArts.0201');
    const [user, project, roles] = await Promise.all([
      this.store.identity.getUser(stored.userId),
      this.store.identity.getProject(stored.projectId),
      this.store.identity.rolesOf(stored.userId, stored.projectId),
    ]);
    if (!project) throw new DomainError('ModelArts.0203');
    return { token: stored, user, project, roles };
  }

  /**
   * The principal of a request signed with one of `userId`'s access keys: that user in `projectId`
   * (or, without one, their first project, as a login without scope), for the signature's window.
   * A disabled user, or one with no role there, is refused as a bad signature is.
   */
  async signedPrincipal(
    userId: string,
    projectId: string | undefined,
    window: { issuedAt: number; expiresAt: number },
  ): Promise<Principal> {
    const load = () => this.#resolveSigner(userId, projectId);
    // No project (the key user's first) and an empty one (none: refused) are kept apart: under one
    // key, a signed `/v1//…` read what an unscoped call had resolved, and was let in.
    const key = `${userId}\n${projectId === undefined ? '*' : `=${projectId}`}`;
    const { user, project, roles } = await (this.#signers ? this.#signers.get(key, load) : load());
    return this.#principal(user!, project, roles, window.issuedAt, window.expiresAt);
  }

  async #resolveSigner(userId: string, projectId: string | undefined): Promise<Resolved> {
    const user = await this.store.identity.getUser(userId);
    if (!user?.enabled) throw new SignatureRejected("the key's user is disabled");
    let project: Project;
    try {
      project = await this.#scopeProject(user, projectId === undefined ? undefined : { id: projectId });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'IAM.0001')
        throw new SignatureRejected("the key's user has no role in the project");
      throw err;
    }
    return { user, project, roles: await this.store.identity.rolesOf(user.id, project.id) };
  }

  /**
   * Signs a token out: it authenticates nothing more, at once on this replica and within the
   * identity cache's time on the others (the delete is an identity write, so this one's cache drops it).
   */
  async revoke(token: string): Promise<void> {
    await this.store.identity.deleteToken(sha256Hex(token));
  }

  /** Removes expired tokens so the table does not grow without bound. */
  purgeExpiredTokens(): Promise<number> {
    return this.store.identity.deleteExpiredTokens(this.clock.now());
  }

  #principal(user: User, project: Project, roles: RoleName[], issuedAt: number, expiresAt: number): Principal {
    return {
      userId: user.id,
      userName: user.name,
      domain: user.domain,
      projectId: project.id,
      projectName: project.name,
      roles,
      isSystemAdmin: user.isSystemAdmin,
      issuedAt,
      expiresAt,
    };
  }

  async createUser(input: {
    name: string;
    password: string;
    domain?: string;
    isSystemAdmin?: boolean;
    enabled?: boolean;
  }): Promise<User> {
    if (!NAME_PATTERN.test(input.name))
      throw new DomainError('IAM.0004', 'user names are 1-64 letters, digits and _ . @ -');
    checkPassword(input.password);
    const user: User = {
      id: randomHex(16),
      name: input.name,
      domain: input.domain || this.defaultDomain,
      passwordHash: await hashPassword(input.password),
      isSystemAdmin: input.isSystemAdmin ?? false,
      enabled: input.enabled ?? true,
      createdAt: this.clock.now(),
    };
    await this.#insert('user', () => this.store.identity.insertUser(user));
    return user;
  }

  async updateUser(
    id: string,
    changes: { password?: string; enabled?: boolean; isSystemAdmin?: boolean },
  ): Promise<User> {
    const user = await this.getUser(id);
    const next: User = { ...user };
    if (changes.password !== undefined) {
      checkPassword(changes.password);
      next.passwordHash = await hashPassword(changes.password);
    }
    if (changes.enabled !== undefined) next.enabled = changes.enabled;
    if (changes.isSystemAdmin !== undefined) next.isSystemAdmin = changes.isSystemAdmin;
    await this.#keepAnAdmin(user, next);
    await this.store.identity.updateUser(next);
    // A changed password or a disabled account ends every session of the user.
    if (changes.password !== undefined || changes.enabled === false) await this.store.identity.deleteTokensOfUser(id);
    return next;
  }

  async getUser(id: string): Promise<User> {
    const user = await this.store.identity.getUser(id);
    if (!user) throw new DomainError('IAM.0002', 'user');
    return user;
  }

  listUsers(): Promise<User[]> {
    return this.store.identity.listUsers();
  }

  /**
   * Deletes the user, and with it (the store cascades) their role assignments, sessions and access
   * keys. `by`, the caller, cannot delete their own account, and the last enabled system admin
   * stays, or no one could manage users again.
   */
  async deleteUser(id: string, by: string): Promise<void> {
    if (id === by) throw new DomainError('IAM.0004', 'you cannot delete your own account');
    const user = await this.getUser(id);
    await this.#keepAnAdmin(user, undefined);
    if (!(await this.store.identity.deleteUser(id))) throw new DomainError('IAM.0002', 'user');
  }

  /** Refuses a change that would leave no enabled system admin (`after` undefined: deleted). */
  async #keepAnAdmin(before: User, after: User | undefined): Promise<void> {
    const manages = (u: User | undefined) => u?.isSystemAdmin === true && u.enabled;
    if (!manages(before) || manages(after)) return;
    const others = (await this.store.identity.listUsers()).filter((u) => u.id !== before.id && manages(u));
    if (others.length === 0)
      throw new DomainError('IAM.0004', 'this is the last enabled system admin; make another one first');
  }

  async createProject(input: { name: string; description?: string; domain?: string }): Promise<Project> {
    if (!NAME_PATTERN.test(input.name))
      throw new DomainError('IAM.0004', 'project names are 1-64 letters, digits and _ . @ -');
    checkFreeText(input.description, 'a description');
    const project: Project = {
      id: randomHex(16),
      name: input.name,
      domain: input.domain || this.defaultDomain,
      description: input.description ?? '',
      createdAt: this.clock.now(),
    };
    await this.#insert('project', () => this.store.identity.insertProject(project));
    return project;
  }

  async getProject(id: string): Promise<Project> {
    const project = await this.store.identity.getProject(id);
    if (!project) throw new DomainError('IAM.0002', 'project');
    return project;
  }

  listProjects(): Promise<Project[]> {
    return this.store.identity.listProjects();
  }

  /**
   * Deletes an empty project (its role assignments and sessions go with it). A project that still
   * holds instances is refused, so no notebook is left running with no project to manage it; so
   * is `sessionProject`, the caller's own session's project, which would end that session.
   */
  async deleteProject(id: string, sessionProject: string): Promise<void> {
    await this.getProject(id);
    if (id === sessionProject)
      throw new DomainError(
        'IAM.0004',
        'you cannot delete the project your session is in; sign in to another one first',
      );
    const { total } = await this.store.instances.list({
      projectId: id,
      sortBy: 'name',
      order: 'asc',
      offset: 0,
      limit: 1,
    });
    if (total > 0) throw new DomainError('IAM.0004', `the project still has ${total} instance(s); delete them first`);
    // Its buckets' files stay on disk: freeing them with the project would hand them to whichever project named them next.
    const buckets = await this.store.buckets.heldBy(id);
    if (buckets.length > 0) {
      throw new DomainError(
        'IAM.0004',
        `the project still holds the obs bucket(s) ${buckets.join(', ')}; assign them to another project or release them first (/v3/buckets)`,
      );
    }
    await this.store.identity.deleteProject(id);
  }

  async assignRole(assignment: RoleAssignment): Promise<void> {
    await Promise.all([this.getUser(assignment.userId), this.getProject(assignment.projectId)]);
    // One role per user and project: assigning replaces the other one.
    for (const role of await this.store.identity.rolesOf(assignment.userId, assignment.projectId)) {
      if (role !== assignment.role) await this.store.identity.unassignRole({ ...assignment, role });
    }
    await this.store.identity.assignRole(assignment);
  }

  async unassignRole(assignment: RoleAssignment): Promise<void> {
    if (!(await this.store.identity.unassignRole(assignment))) throw new DomainError('IAM.0002', 'role assignment');
  }

  listAssignments(filter: { projectId?: string; userId?: string }): Promise<RoleAssignment[]> {
    return this.store.identity.listAssignments(filter);
  }

  async #insert(what: string, insert: () => Promise<void>): Promise<void> {
    try {
      await insert();
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw new DomainError('IAM.0003', what);
      throw err;
    }
  }
}

/** The first of `projects` by name: the project a login without a scope, or a recovery, falls back to. */
export function firstByName(projects: Project[]): Project | undefined {
  return projects.sort((a, b) => a.name.localeCompare(b.name))[0];
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new DomainError('IAM.0004', `passwords have at least ${MIN_PASSWORD_LENGTH} characters`);
}
