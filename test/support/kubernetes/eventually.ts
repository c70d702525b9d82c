/**
 * @module test/support/kubernetes/eventually
 * Waits for a condition that another connection brings about (a watch event, an informer relist):
 * polls it briefly, and fails with what was last seen instead of hanging the suite. The check may
 * be asynchronous: its answer is awaited (a pending Promise would otherwise count as true).
 */
import { setTimeout as delay } from 'node:timers/promises';

type Answer<T> = T | undefined | false;

export async function eventually<T>(
  check: () => Answer<T> | Promise<Answer<T>>,
  what: string,
  limitMs = 5_000,
): Promise<T> {
  for (let waited = 0; ; waited += 5) {
    const result = await check();
    if (result) return result;
    if (waited > limitMs) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}
