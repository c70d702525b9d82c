/**
 * @module core/instances/user-instances
 * One user's instances across every project, for system admins: what they hold, and stopping one
 * of them. Tokens are scoped to one project, so the project paths cannot do this; a system admin
 * stops here as an admin of the instance's project would, through the same lifecycle rules (only
 * a RUNNING instance stops; the history records who asked).
 */
import type { Instance } from '../model/instance.js';
import type { Project } from '../model/identity-types.js';
import type { Store } from '../ports/store.js';
import { DomainError } from '../shared/errors.js';
import type { ActionResult, LifecycleService } from './lifecycle-service.js';

/** An instance and the project it lives in. */
export interface UserInstance {
  instance: Instance;
  project: Project;
}

/** The system admin who acts. */
export interface AdminActor {
  userId: string;
  userName: string;
}

export class UserInstances {
  readonly #store: Store;
  readonly #lifecycle: Pick<LifecycleService, 'act'>;

  constructor({ store, lifecycle }: { store: Store; lifecycle: Pick<LifecycleService, 'act'> }) {
    this.#store = store;
    this.#lifecycle = lifecycle;
  }

  /**
   * Every instance of `userId` (IAM.0002 for a user that does not exist), by project name and then
   * name. One indexed query per project: instances are stored and indexed by project first, and an
   * installation has few projects.
   */
  async list(userId: string): Promise<UserInstance[]> {
    if (!(await this.#store.identity.getUser(userId))) throw new DomainError('IAM.0002', 'user');
    const projects = (await this.#store.identity.listProjects()).sort((a, b) => a.name.localeCompare(b.name));
    const pages = await Promise.all(
      projects.map((project) =>
        this.#store.instances.list({
          projectId: project.id,
          userId,
          sortBy: 'name',
          order: 'asc',
          offset: 0,
          limit: 0,
        }),
      ),
    );
    return pages.flatMap((page, i) => page.items.map((instance) => ({ instance, project: projects[i]! })));
  }

  /**
   * Stops `instanceId` of `userId`. An instance that is not that user's answers 6309, as one that
   * never existed, so the path names what it acts on.
   */
  async stop(admin: AdminActor, userId: string, instanceId: string): Promise<ActionResult> {
    const instance = await this.#store.instances.getById(instanceId);
    if (!instance || instance.user.id !== userId) throw new DomainError('ModelArts.6309');
    return this.#lifecycle.act({ ...admin, projectId: instance.projectId, isProjectAdmin: true }, instanceId, 'stop');
  }
}
