/**
 * @module core/identity/account-recovery
 * The last resort when no one can sign in to manage the service (a forgotten password, every
 * system admin disabled or demoted): changes made straight on the store by whoever can read the
 * data directory or the database, with no server and no login. Each one goes through the identity
 * service's own rules (password length, sessions ended) and leaves an audit entry, so the trail
 * says it happened and from where.
 */
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Project, User } from '../model/identity-types.js';
import type { Store } from '../ports/store.js';
import { firstByName, IdentityService } from './service.js';

export interface RecoveryContext {
  store: Store;
  clock: Clock;
  /** The domain a user or project named without one belongs to (the server's bootstrap domain). */
  defaultDomain: string;
  /** The project `grantAdmin` picks when none is named and it exists (the server's bootstrap project). */
  defaultProject: string;
  /** Who ran it, for the audit trail (the operating-system account). */
  operator: string;
}

export class AccountRecovery {
  readonly #identity: IdentityService;

  constructor(private readonly context: RecoveryContext) {
    this.#identity = new IdentityService({
      store: context.store,
      clock: context.clock,
      tokenTtlMs: 0,
      defaultDomain: context.defaultDomain,
    });
  }

  /** Sets `userName`'s password; every session of theirs ends (as a password change does). */
  async resetPassword(userName: string, password: string): Promise<User> {
    const user = await this.#identity.updateUser((await this.#user(userName)).id, { password });
    await this.#audit('reset-password', user, null);
    return user;
  }

  /**
   * Makes `userName` an enabled system admin with the admin role in `projectName` (default: the
   * bootstrap project, else the first project by name; created when there is no project at all).
   */
  async grantAdmin(userName: string, projectName?: string): Promise<{ user: User; project: Project }> {
    const found = await this.#user(userName);
    const project = await this.#project(projectName);
    const user = await this.#identity.updateUser(found.id, { enabled: true, isSystemAdmin: true });
    await this.#identity.assignRole({ projectId: project.id, userId: user.id, role: 'admin' });
    await this.#audit('grant-admin', user, project);
    return { user, project };
  }

  async #user(name: string): Promise<User> {
    const user =
      (await this.context.store.identity.findUserByName(this.context.defaultDomain, name)) ??
      (await this.context.store.identity.getUser(name));
    if (!user) throw new DomainError('IAM.0002', `user ${name}`);
    return user;
  }

  async #project(name: string | undefined): Promise<Project> {
    const { store, defaultDomain, defaultProject } = this.context;
    if (name !== undefined) {
      const named =
        (await store.identity.findProjectByName(defaultDomain, name)) ?? (await store.identity.getProject(name));
      if (!named) throw new DomainError('IAM.0002', `project ${name}`);
      return named;
    }
    const bootstrap = await store.identity.findProjectByName(defaultDomain, defaultProject);
    if (bootstrap) return bootstrap;
    const first = firstByName(await store.identity.listProjects());
    return first ?? this.#identity.createProject({ name: defaultProject, description: 'Created by demanager recover' });
  }

  #audit(what: string, user: User, project: Project | null): Promise<void> {
    return this.context.store.audit.record({
      at: this.context.clock.now(),
      projectId: project?.id ?? null,
      userId: null,
      userName: null,
      action: `RECOVER ${what}`,
      target: user.id,
      source: 'local',
      status: 200,
      outcome: 'success',
      replica: 'demanager recover',
      detail: { user: user.name, operator: this.context.operator.slice(0, 128) },
    });
  }
}
