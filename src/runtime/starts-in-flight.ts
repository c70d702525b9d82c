/**
 * @module runtime/starts-in-flight
 * The starts a driver has running, by instance. The reconciler stops waiting for an aborted start
 * at once, while the driver's start may still be creating its workload: a stop or remove first
 * waits for it here, so it never deletes before the start has finished creating.
 */
export class StartsInFlight {
  readonly #starts = new Map<string, Promise<unknown>>();

  /** Runs `start` for the instance, known to {@link settled} until it ends. */
  async track<T>(instanceId: string, start: Promise<T>): Promise<T> {
    this.#starts.set(instanceId, start);
    try {
      return await start;
    } finally {
      if (this.#starts.get(instanceId) === start) this.#starts.delete(instanceId);
    }
  }

  /** Resolves when the instance's start (if any) has ended, however it ended. */
  async settled(instanceId: string): Promise<void> {
    await this.#starts.get(instanceId)?.catch(() => undefined);
  }

  /** Resolves when every start has ended. */
  async all(): Promise<void> {
    await Promise.allSettled([...this.#starts.values()]);
  }
}
