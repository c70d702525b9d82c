/**
 * @module core/changes/identity-watch
 * Reports the identity revision (see core/identity/notebook-openers) soon after it moves, to
 * whoever must act on a change rather than wait for the next request — the proxy, which closes the
 * open notebook WebSockets of a user who lost access. A write through this process's store wakes it
 * at once, and so does one another replica made once the store tells of it (PostgreSQL's
 * notifications: the server bumps `localWrites` for them); any other, and one told of too late, is
 * found by reading the revision every `scanMs`. It reads only while `wanted()` says someone is listening (open sockets),
 * so an idle server does not poll.
 */
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Generation } from '../shared/read-cache.js';
import type { Store } from '../ports/store.js';

export interface IdentityWatchOptions {
  store: Store;
  clock: Clock;
  /** How often (ms) the store's identity revision is read, for the writes of other processes. */
  scanMs: number;
  /** Bumped by every identity write through this process's store. */
  localWrites: Generation;
  log: Logger;
}

export class IdentityWatch {
  readonly #stop = new AbortController();
  #running: Promise<void> | null = null;
  /** A local write arrived since the last scan began. */
  #poked = false;
  #wake: (() => void) | null = null;

  private readonly store: Store;
  private readonly clock: Clock;
  private readonly scanMs: number;
  private readonly localWrites: Generation;
  private readonly log: Logger;

  constructor(options: IdentityWatchOptions) {
    ({
      store: this.store,
      clock: this.clock,
      scanMs: this.scanMs,
      localWrites: this.localWrites,
      log: this.log,
    } = options);
  }

  /** Calls `onRevision` with the revision after every local write and every `scanMs`, while `wanted()`. */
  start(wanted: () => boolean, onRevision: (revision: number) => Promise<void>): void {
    if (this.#running) throw new Error('the identity watch has a listener already');
    const stopListening = this.localWrites.onBump(() => {
      this.#poked = true;
      this.#wake?.();
    });
    this.#running = this.#loop(wanted, onRevision).finally(stopListening);
  }

  async close(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    await this.#running;
  }

  async #loop(wanted: () => boolean, onRevision: (revision: number) => Promise<void>): Promise<void> {
    while (!this.#stop.signal.aborted) {
      await this.#pause();
      this.#poked = false;
      if (this.#stop.signal.aborted || !wanted()) continue;
      try {
        await onRevision(await this.store.identity.revision());
      } catch (err) {
        // The store may be failing for a while; the next scan tries again.
        this.log.warn({ err }, 'identity watch: could not read the identity revision');
      }
    }
  }

  /** Until a local write, `scanMs`, or the stop. */
  #pause(): Promise<void> {
    if (this.#poked) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeping = new AbortController();
      this.#wake = () => {
        this.#wake = null;
        sleeping.abort();
        resolve();
      };
      this.clock.sleep(this.scanMs, sleeping.signal).then(
        () => this.#wake?.(),
        () => {},
      );
    });
  }
}
