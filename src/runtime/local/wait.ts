/**
 * @module runtime/local/wait
 * Real-time waiting for processes and servers. These waits are about other processes, so they
 * use wall-clock timers, not the injected clock (which only stamps times).
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves true as soon as `done()` holds, false after `timeoutMs`; checks every `intervalMs`. */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await delay(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

/** Sleeps `ms`, rejecting with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined).catch((err: unknown) => {
    throw signal?.aborted ? signal.reason : err;
  });
}
