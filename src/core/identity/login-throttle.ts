/**
 * @module core/identity/login-throttle
 * Locks password logins after repeated failures: per user name (whether or not such a user
 * exists, so a lockout says nothing about who exists) and per client address (so one client
 * cannot try a few passwords on every name). A failure is remembered for the lockout time; a
 * lockout lasts that long on the injected clock; a successful login clears its name's count.
 * The counts live in this process's memory: each replica counts on its own, and a restart
 * forgets them.
 */
import type { Clock } from '../shared/clock.js';

export interface LoginThrottleOptions {
  /** Failures for one name before it is locked; 0 never locks. */
  failuresPerUser: number;
  /** Failures from one address before it is locked; 0 never locks. */
  failuresPerAddress: number;
  lockoutMs: number;
  /** Most names and addresses remembered; the oldest are forgotten first. */
  maxEntries?: number;
}

interface Counter {
  failures: number;
  /** When the oldest remembered failure stops counting. */
  resetAt: number;
  lockedUntil: number;
}

/** Who is trying: the name as sent (with its domain) and the client address. */
export interface LoginAttempt {
  domain: string;
  userName: string;
  address?: string;
}

const DEFAULT_MAX_ENTRIES = 100_000;

export class LoginThrottle {
  readonly #counters = new Map<string, Counter>();
  readonly #maxEntries: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: LoginThrottleOptions,
  ) {
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /** Milliseconds until the attempt may be made, or 0 when it is not locked out. */
  lockedFor(attempt: LoginAttempt): number {
    const now = this.clock.now();
    let wait = 0;
    for (const key of keysOf(attempt)) {
      const counter = this.#counters.get(key);
      if (counter && counter.lockedUntil > now) wait = Math.max(wait, counter.lockedUntil - now);
    }
    return wait;
  }

  /** Counts a wrong password (or an unknown name); the attempt's name or address may lock. */
  failed(attempt: LoginAttempt): void {
    const now = this.clock.now();
    const [userKey, addressKey] = keysOf(attempt);
    this.#count(userKey!, this.options.failuresPerUser, now);
    if (addressKey) this.#count(addressKey, this.options.failuresPerAddress, now);
  }

  /** A successful login clears its name's failures (not its address's: one good account must not reset them). */
  succeeded(attempt: LoginAttempt): void {
    this.#counters.delete(keysOf(attempt)[0]!);
  }

  #count(key: string, threshold: number, now: number): void {
    if (threshold <= 0) return;
    let counter = this.#counters.get(key);
    if (!counter || (counter.resetAt <= now && counter.lockedUntil <= now)) {
      counter = { failures: 0, resetAt: now + this.options.lockoutMs, lockedUntil: 0 };
    }
    counter.failures += 1;
    if (counter.failures >= threshold) {
      counter.failures = 0;
      counter.lockedUntil = now + this.options.lockoutMs;
      counter.resetAt = counter.lockedUntil;
    }
    // Re-inserted so the map's order is least recently failed first.
    this.#counters.delete(key);
    this.#counters.set(key, counter);
    if (this.#counters.size > this.#maxEntries) this.#evict(now);
  }

  /** Forgets what has run out, then the least recently failed: unlocked entries before locked ones. */
  #evict(now: number): void {
    const passes: ((c: Counter) => boolean)[] = [
      (c) => c.resetAt <= now && c.lockedUntil <= now,
      (c) => c.lockedUntil <= now,
      () => true,
    ];
    for (const forgettable of passes) {
      for (const [key, counter] of this.#counters) {
        if (this.#counters.size <= this.#maxEntries) return;
        if (forgettable(counter)) this.#counters.delete(key);
      }
    }
  }
}

function keysOf(attempt: LoginAttempt): string[] {
  // Names are compared as the store compares them; the domain keeps two domains' "admin" apart.
  const user = `user:${attempt.domain}\u0000${attempt.userName}`;
  return attempt.address ? [user, `address:${attempt.address}`] : [user];
}
