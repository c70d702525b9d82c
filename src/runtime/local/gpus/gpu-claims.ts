/**
 * @module runtime/local/gpus/gpu-claims
 * Which instance holds which of the host's GPUs: one file per held GPU in `<dataDir>/gpus/`, named
 * by its UUID and holding the instance id, made with O_EXCL so two starts (or two replicas on the
 * host) never take the same GPU. The files outlive the service, so a restart re-adopts notebooks
 * with the GPUs they had; they go when the instance's notebook stops or is found gone.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Gpu } from './gpu-inventory.js';

export class GpuClaims {
  constructor(readonly dir: string) {}

  #file(uuid: string): string {
    return join(this.dir, encodeURIComponent(uuid));
  }

  /** Every claim: GPU UUID → instance id. */
  async all(): Promise<Map<string, string>> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const claims = new Map<string, string>();
    for (const name of names) {
      const owner = (await readFile(join(this.dir, name), 'utf8').catch(() => '')).trim();
      if (owner) claims.set(decodeURIComponent(name), owner);
    }
    return claims;
  }

  /**
   * Gives the instance `count` of `gpus`: those it holds already first (a restart keeps them), then
   * free ones in index order. Null when too few are free; it then holds what it held before.
   */
  async claim(instanceId: string, count: number, gpus: readonly Gpu[]): Promise<Gpu[] | null> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const claims = await this.all();
    const mine = gpus.filter((gpu) => claims.get(gpu.uuid) === instanceId);
    const kept = mine.slice(0, count);
    for (const gpu of mine.slice(count)) await this.#drop(gpu.uuid, instanceId);
    const taken: Gpu[] = [];
    for (const gpu of gpus) {
      if (kept.length + taken.length >= count) break;
      if (claims.has(gpu.uuid)) continue;
      try {
        await writeFile(this.#file(gpu.uuid), `${instanceId}\n`, { flag: 'wx', mode: 0o600 });
        taken.push(gpu);
      } catch (err) {
        // Taken meanwhile by another start: look at the next one.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    if (kept.length + taken.length < count) {
      for (const gpu of taken) await this.#drop(gpu.uuid, instanceId);
      return null;
    }
    return [...kept, ...taken].sort((a, b) => a.index - b.index);
  }

  /** Frees every GPU the instance holds. */
  async release(instanceId: string): Promise<void> {
    for (const [uuid, owner] of await this.all()) if (owner === instanceId) await this.#drop(uuid, instanceId);
  }

  async #drop(uuid: string, instanceId: string): Promise<void> {
    const file = this.#file(uuid);
    // Only if it is still this instance's: another may have claimed it after a release.
    if ((await readFile(file, 'utf8').catch(() => '')).trim() === instanceId) await rm(file, { force: true });
  }
}
