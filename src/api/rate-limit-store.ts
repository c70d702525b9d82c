/**
 * @module api/rate-limit-store
 * A store for `@fastify/rate-limit` that counts fixed windows on the injected {@link Clock}
 * (the plugin's own store reads `Date.now()`), so tests can pass a window without waiting. In
 * memory, per replica; the least recently counted keys are forgotten beyond `capacity`.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../core/shared/clock.js';

interface Window {
  count: number;
  startedAt: number;
}

type Incr = FastifyRateLimitStore['incr'];

export function clockRateLimitStore(clock: Clock, capacity = 10_000): FastifyRateLimitStoreCtor {
  return class ClockRateLimitStore implements FastifyRateLimitStore {
    readonly #windows = new Map<string, Window>();

    incr(key: string, callback: Parameters<Incr>[1], timeWindow: number): void {
      const now = clock.now();
      let window = this.#windows.get(key);
      if (!window || window.startedAt + timeWindow <= now) window = { count: 0, startedAt: now };
      window.count += 1;
      this.#windows.delete(key);
      this.#windows.set(key, window);
      if (this.#windows.size > capacity) this.#windows.delete(this.#windows.keys().next().value!);
      callback(null, { current: window.count, ttl: window.startedAt + timeWindow - now });
    }

    child(): FastifyRateLimitStore {
      return new ClockRateLimitStore();
    }
  };
}
