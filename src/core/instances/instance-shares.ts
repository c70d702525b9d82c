/**
 * @module core/instances/instance-shares
 * Sharing a notebook: the owner of an instance, or an admin of its project, lets named members of
 * the same project open it (core/identity/notebook-openers), and takes that back. A shared user
 * asks `…/token` for a token of their own, as the owner does; revoking the share, or stopping the
 * instance, ends it (the proxy checks the openers on every request and closes their WebSockets).
 */
import type { Instance } from '../model/instance.js';
import type { InstanceShare } from '../model/instance-share.js';
import type { User } from '../model/identity-types.js';
import type { Store } from '../ports/store.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { Actor, LifecycleService } from './lifecycle-service.js';

/** Whom to share with: exactly one of the two. */
export type ShareTarget = { userName: string; userId?: undefined } | { userId: string; userName?: undefined };

export interface InstanceSharesOptions {
  store: Store;
  clock: Clock;
  lifecycle: Pick<LifecycleService, 'get' | 'getOwned'>;
}

export class InstanceShares {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #lifecycle: InstanceSharesOptions['lifecycle'];

  constructor({ store, clock, lifecycle }: InstanceSharesOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#lifecycle = lifecycle;
  }

  /** The instance's shares, by user name; for its owner and the project's admins (0108 otherwise). */
  async list(actor: Actor, instanceId: string): Promise<InstanceShare[]> {
    await this.#lifecycle.getOwned(actor, instanceId);
    return this.#store.shares.list(instanceId);
  }

  /**
   * Shares the instance with an enabled member of its project other than its owner. Granting a
   * share the user holds already changes nothing and answers it as it stands, so a retry is safe.
   */
  async grant(actor: Actor, instanceId: string, target: ShareTarget): Promise<InstanceShare> {
    const instance = await this.#lifecycle.getOwned(actor, instanceId);
    const user = await this.#userOf(actor, target);
    if (user.id === instance.user.id) throw new DomainError('ModelArts.6391', user.name);
    if (!user.enabled) throw new DomainError('ModelArts.6392', user.name);
    if ((await this.#store.identity.rolesOf(user.id, instance.projectId)).length === 0)
      throw new DomainError('ModelArts.6390', user.name);
    await this.#store.shares.grant({
      instanceId,
      userId: user.id,
      grantedBy: actor.userId,
      grantedAt: this.#clock.now(),
    });
    const share = (await this.#store.shares.list(instanceId)).find((s) => s.userId === user.id);
    // Only a revocation or a deletion in between removes it; reading it as gone is then the truth.
    if (!share) throw new DomainError('ModelArts.6393', user.name);
    return share;
  }

  /** Ends `userId`'s share (6393 when they hold none). */
  async revoke(actor: Actor, instanceId: string, userId: string): Promise<void> {
    await this.#lifecycle.getOwned(actor, instanceId);
    if (!(await this.#store.shares.revoke(instanceId, userId))) throw new DomainError('ModelArts.6393', userId);
  }

  /**
   * The instance if the actor may open its notebook (`…/token`): its owner, a project admin or a
   * user it is shared with (0108 otherwise).
   */
  async openable(actor: Actor, instanceId: string): Promise<Instance> {
    const instance = await this.#lifecycle.get(actor, instanceId);
    if (actor.isProjectAdmin || instance.user.id === actor.userId) return instance;
    if (!(await this.#store.shares.has(instanceId, actor.userId))) throw new DomainError('ModelArts.0108');
    return instance;
  }

  /** The ids of the instances of the actor's project shared with the actor, which they may open. */
  async sharedWith(actor: Actor): Promise<string[]> {
    const shares = await this.#store.shares.inProject(actor.projectId);
    return [...shares].filter(([, users]) => users.includes(actor.userId)).map(([instanceId]) => instanceId);
  }

  async #userOf(actor: Actor, target: ShareTarget): Promise<User> {
    let user: User | undefined;
    if (target.userId !== undefined) user = await this.#store.identity.getUser(target.userId);
    else {
      // Names are unique within a domain: the project's.
      const project = await this.#store.identity.getProject(actor.projectId);
      user = project && (await this.#store.identity.findUserByName(project.domain, target.userName));
    }
    if (!user) throw new DomainError('IAM.0002', 'user');
    return user;
  }
}
