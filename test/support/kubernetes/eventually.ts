/**
 * @module test/support/kubernetes/eventually
 * Waits for a condition that another connection brings about (a watch event, an informer relist):
 * polls it briefly, and fails with what was last seen instead of hanging the suite.
 */
import { setTimeout as delay } from 'node:timers/promises';

export async function eventually<T>(check: () => T | undefined | false, what: string, limitMs = 5_000): Promise<T> {
  for (let waited = 0; ; waited += 5) {
    const result = check();
    if (result) return result;
    if (waited > limitMs) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}
