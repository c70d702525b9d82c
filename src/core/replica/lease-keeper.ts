/**
 * @module core/replica/lease-keeper
 * Holds a named lease in the store for as long as this process lives, so that work which must
 * happen once (the reconciler, the auto-stopper) runs on exactly one replica. It renews well
 * before expiry, reports gaining and losing the lease, and gives it back on shutdown so another
 * replica takes over at once. Lease time is real time: it measures whether a process is alive.
 */
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { LeaseRepository } from '../ports/store.js';

export interface LeaseKeeperOptions {
  name: string;
  /** This process's identity in the lease row. */
  holder: string;
  /** How long a lease lasts without renewal: a killed holder is replaced after at most this. */
  ttlMs: number;
  /** How often to renew (or try to take) the lease; well under `ttlMs`. */
  renewMs: number;
}

export interface LeaseDuties {
  /** Called when the lease is gained; start the work. */
  acquired(): Promise<void>;
  /** Called when the lease is lost or given up; stop the work and wait until it has stopped. */
  lost(): Promise<void>;
}

export class LeaseKeeper {
  #held = false;
  #heldUntil = 0;
  #loop: Promise<void> | undefined;
  readonly #abort = new AbortController();

  constructor(
    private readonly leases: LeaseRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: LeaseKeeperOptions,
    private readonly duties: LeaseDuties,
  ) {}

  get held(): boolean {
    return this.#held;
  }

  /** Tries once at once (so a lone server starts its duties before it answers), then keeps trying. */
  async start(): Promise<void> {
    await this.#tick();
    this.#loop = this.#run();
  }

  /** Stops the duties, then releases the lease so a successor need not wait for it to expire. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    if (this.#held) {
      await this.#lose('shutting down');
      await this.leases
        .release(this.options.name, this.options.holder)
        .catch((err: unknown) => this.log.error({ err }, 'lease release failed'));
    }
  }

  async #run(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      try {
        await this.clock.sleep(this.options.renewMs, this.#abort.signal);
      } catch {
        return;
      }
      await this.#tick();
    }
  }

  async #tick(): Promise<void> {
    const now = this.clock.now();
    let ok: boolean;
    try {
      ok = await this.leases.acquire(this.options.name, this.options.holder, this.options.ttlMs, now);
    } catch (err) {
      // The database is unreachable: the lease may still be ours until it expires, not after.
      this.log.error({ err, lease: this.options.name }, 'lease renewal failed');
      if (this.#held && this.clock.now() >= this.#heldUntil - this.options.renewMs) await this.#lose('renewal failed');
      return;
    }
    if (ok) {
      this.#heldUntil = now + this.options.ttlMs;
      if (!this.#held) {
        this.#held = true;
        this.log.info({ lease: this.options.name, holder: this.options.holder }, 'lease acquired');
        await this.duties.acquired().catch((err: unknown) => this.log.error({ err }, 'starting lease duties failed'));
      }
    } else if (this.#held) {
      await this.#lose('taken by another replica');
    }
  }

  async #lose(reason: string): Promise<void> {
    this.#held = false;
    this.log.warn({ lease: this.options.name, reason }, 'lease lost');
    await this.duties.lost().catch((err: unknown) => this.log.error({ err }, 'stopping lease duties failed'));
  }
}
