/**
 * @module core/identity/notebook-openers
 * Who may open an instance's notebook, by the rule of `GET …/token`: an enabled user with a role
 * in the instance's project who owns the instance, is an admin there, or holds a share of it
 * (core/instances/instance-shares). The proxy asks whenever it has no answer kept for the
 * instance (proxy/notebook-access-cache, which forgets on every change of these), so a user
 * deleted, disabled, taken out of the project or whose share was revoked is refused at once,
 * whatever token or cookie they still hold.
 *
 * Each answer costs one read of the identity revision; the project's users, roles and shares are
 * read again only when it moved. The revision is raised by the database in the transaction of
 * every identity or share write, whichever replica or process made it, so nothing here can be
 * stale: a load begun before a write is kept under the revision read before it, which the write
 * has passed.
 */
import type { Instance } from '../model/instance.js';
import type { RoleName } from '../model/identity-types.js';
import type { Store } from '../ports/store.js';

/** The enabled users of one project, by role, and its shares, as of one identity revision. */
interface ProjectRoles {
  revision: number;
  admins: ReadonlySet<string>;
  members: ReadonlySet<string>;
  /** The users each instance is shared with, members or not. */
  shares: ReadonlyMap<string, readonly string[]>;
}

export interface Openers {
  /** The identity revision the answer holds for. */
  revision: number;
  users: ReadonlySet<string>;
  /** Those of `users` who may open it only by a share: neither its owner nor an admin. */
  shared: ReadonlySet<string>;
}

/** Projects whose roles are kept; past this the least recently loaded go first. */
const MAX_PROJECTS = 1_000;

export class NotebookOpeners {
  readonly #projects = new Map<string, ProjectRoles>();

  constructor(private readonly store: Store) {}

  /** The users who may open `instance`'s notebook now. */
  async of(instance: Pick<Instance, 'id' | 'projectId' | 'user'>): Promise<Openers> {
    const revision = await this.store.identity.revision();
    let roles = this.#projects.get(instance.projectId);
    if (roles?.revision !== revision) {
      roles = await this.#load(instance.projectId, revision);
      this.#projects.delete(instance.projectId);
      if (this.#projects.size >= MAX_PROJECTS) this.#projects.delete(this.#projects.keys().next().value!);
      this.#projects.set(instance.projectId, roles);
    }
    const users = new Set(roles.admins);
    if (roles.members.has(instance.user.id)) users.add(instance.user.id);
    const shared = new Set<string>();
    // A share lasts only while its user is an enabled member; one who leaves and comes back has it again.
    for (const userId of roles.shares.get(instance.id) ?? [])
      if (roles.members.has(userId) && !users.has(userId)) shared.add(userId);
    for (const userId of shared) users.add(userId);
    return { revision, users, shared };
  }

  async #load(projectId: string, revision: number): Promise<ProjectRoles> {
    const [assignments, shares] = await Promise.all([
      this.store.identity.listAssignments({ projectId }),
      this.store.shares.inProject(projectId),
    ]);
    const byUser = new Map<string, RoleName[]>();
    for (const a of assignments) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a.role]);
    const users = await Promise.all([...byUser.keys()].map((id) => this.store.identity.getUser(id)));
    const admins = new Set<string>();
    const members = new Set<string>();
    for (const user of users) {
      if (!user?.enabled) continue;
      members.add(user.id);
      if (byUser.get(user.id)!.includes('admin')) admins.add(user.id);
    }
    return { revision, admins, members, shares };
  }
}
