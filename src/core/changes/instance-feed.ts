/**
 * @module core/changes/instance-feed
 * Tells whoever watches a project about each change of its instances, as it is committed. Every
 * write of this process reaches it as a subscriber of the store's publication (core/changes/
 * committed-changes); with several replicas, writes made by the others reach it through a light
 * poll of each watched project (one list read per project and interval, only while someone
 * watches), compared by the instances' versions.
 */
import type { Instance } from '../model/instance.js';
import type { Logger } from '../shared/logger.js';
import type { InstanceRepository } from '../ports/store.js';

export type InstanceChange =
  | { kind: 'changed'; instance: Instance }
  | { kind: 'deleted'; id: string; projectId: string };
export type ChangeListener = (change: InstanceChange) => void;

export class InstanceFeed {
  readonly #watchers = new Map<string, Set<ChangeListener>>();
  /** Per watched project, the version of each instance last told (only kept when polling). */
  readonly #told = new Map<string, Map<string, number>>();
  /** Per watched project, the first read of its versions. */
  readonly #baselines = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  /**
   * @param pollMs How often to look for changes made by other replicas; 0 when this process makes
   * every change (one SQLite file, one server).
   */
  constructor(
    private readonly instances: Pick<InstanceRepository, 'list'>,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  /**
   * Calls `listener` with each change of the project's instances until the returned function is
   * called. Resolves once every later change is sure to be told (when polling: once the project's
   * current versions are known, so a change committed elsewhere after this is never taken for old).
   */
  async watch(projectId: string, listener: ChangeListener): Promise<() => void> {
    let listeners = this.#watchers.get(projectId);
    if (!listeners) {
      listeners = new Set();
      this.#watchers.set(projectId, listeners);
      if (this.pollMs > 0) this.#baselines.set(projectId, this.#baseline(projectId));
    }
    listeners.add(listener);
    const stop = () => {
      listeners.delete(listener);
      if (listeners.size > 0) return;
      this.#watchers.delete(projectId);
      this.#told.delete(projectId);
      this.#baselines.delete(projectId);
    };
    await this.#baselines.get(projectId);
    this.#schedule();
    return stop;
  }

  /** A change this process committed. */
  publish(change: InstanceChange): void {
    const projectId = change.kind === 'changed' ? change.instance.projectId : change.projectId;
    const listeners = this.#watchers.get(projectId);
    if (!listeners) return;
    const told = this.#told.get(projectId);
    if (change.kind === 'changed') told?.set(change.instance.id, change.instance.version);
    else told?.delete(change.id);
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.log.error({ err }, 'an instance change listener failed');
      }
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watchers.clear();
    this.#told.clear();
    this.#baselines.clear();
  }

  async #read(projectId: string): Promise<Instance[]> {
    return (await this.instances.list({ projectId, sortBy: 'name', order: 'asc', offset: 0, limit: 0 })).items;
  }

  async #baseline(projectId: string): Promise<void> {
    try {
      const items = await this.#read(projectId);
      if (this.#watchers.has(projectId) && !this.#told.has(projectId))
        this.#told.set(projectId, new Map(items.map((i) => [i.id, i.version])));
    } catch (err) {
      this.log.warn({ err, projectId }, 'could not read the instances of a watched project');
    }
  }

  #schedule(): void {
    if (this.pollMs <= 0 || this.#timer || this.#polling || this.#watchers.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, this.pollMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      for (const projectId of [...this.#watchers.keys()]) {
        const told = this.#told.get(projectId);
        if (!told) {
          await this.#baseline(projectId);
          continue;
        }
        const items = await this.#read(projectId);
        const present = new Set<string>();
        for (const instance of items) {
          present.add(instance.id);
          if (told.get(instance.id) !== instance.version) this.publish({ kind: 'changed', instance });
        }
        for (const id of [...told.keys()]) if (!present.has(id)) this.publish({ kind: 'deleted', id, projectId });
      }
    } catch (err) {
      this.log.warn({ err }, 'polling for instance changes failed');
    } finally {
      this.#polling = false;
      this.#schedule();
    }
  }
}
