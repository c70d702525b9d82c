/**
 * @module core/replica/write-probe
 * Whether the store takes a write right now, for the readiness check: a database that answers
 * reads while its disk is full, or its file or server is read-only, cannot serve a single change,
 * and a load balancer must send the work elsewhere. The answer is kept a second so that a load
 * balancer polling often, or several, costs one small write a second.
 */
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../ports/store.js';

/** `ok`, or why the last write failed (`failing: full`, …). */
export type WriteHealth = string;

/** How long (domain clock, ms) an answer is reused. */
export const WRITE_PROBE_CACHE_MS = 1_000;

export class WriteProbe {
  #last: { at: number; health: Promise<WriteHealth> } | null = null;

  constructor(
    private readonly store: Pick<Store, 'probeWrite' | 'faultOf'>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly replica: string,
  ) {}

  /** Probes, or answers the probe of less than {@link WRITE_PROBE_CACHE_MS} ago (or the one under way). */
  check(): Promise<WriteHealth> {
    const now = this.clock.now();
    if (this.#last && now - this.#last.at < WRITE_PROBE_CACHE_MS) return this.#last.health;
    const health = this.store.probeWrite(this.replica, now).then(
      () => 'ok',
      (err: unknown) => {
        this.log.warn({ err }, 'write probe failed');
        return `failing: ${this.store.faultOf(err) ?? 'error'}`;
      },
    );
    this.#last = { at: now, health };
    return health;
  }
}
