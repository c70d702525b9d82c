/**
 * @module core/changes/committed-changes
 * The one way to learn that an instance changed in this process: {@link watchStore} publishes each
 * committed insert, update and delete here, whoever wrote it, and the scheduler (due times), the
 * queue (freed slots), the metrics and the instance feed subscribe. Listeners are told before the
 * writer's call returns, so what they arm (a due time, an admission) is armed before the request
 * that made the change answers.
 */
import type { InstanceChange } from './instance-feed.js';
import type { Logger } from '../shared/logger.js';
import type { InstanceEvent } from '../ports/store.js';

/** A change as the store committed it, with the history entry its writer gave (if any). */
export type CommittedChange = InstanceChange & { event?: InstanceEvent };
export type CommittedListener = (change: CommittedChange) => void;

export class CommittedChanges {
  readonly #listeners = new Set<CommittedListener>();

  constructor(private readonly log: Logger) {}

  /** Calls `listener` with each later change until the returned function is called. */
  subscribe(listener: CommittedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A listener that fails is logged: the change is committed, its writer must not fail. */
  publish(change: CommittedChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.log.error({ err }, 'a committed-change listener failed');
      }
    }
  }
}
