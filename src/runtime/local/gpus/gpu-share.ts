/**
 * @module runtime/local/gpus/gpu-share
 * Shares the host's GPUs out among notebooks: each GPU flavor's notebook gets GPUs of its own
 * (held in {@link GpuClaims} while it runs) and sees only those, by UUID, in
 * `CUDA_VISIBLE_DEVICES` and `NVIDIA_VISIBLE_DEVICES`; a CPU flavor's notebook sees none. The
 * lifecycle admits a GPU flavor's instance only while enough GPUs are free (the driver's
 * `hostGpus`), so a claim that finds too few free means claims were left behind, and is refused.
 */
import { join } from 'node:path';
import { WorkloadError } from '../../../core/ports/runtime.js';
import { GpuClaims } from './gpu-claims.js';
import { configuredInventory, detectGpus, type ConfiguredGpu, type GpuInventory } from './gpu-inventory.js';

export interface GpuAssignment {
  /** The visibility variables for every process of the notebook. */
  env: Record<string, string>;
  /** For the instance's history. */
  message?: string;
}

export class GpuShare {
  readonly claims: GpuClaims;
  #inventory: Promise<GpuInventory> | undefined;

  constructor(
    dataDir: string,
    private readonly configured: readonly ConfiguredGpu[] | undefined,
    /** The PATH `nvidia-smi` is looked up on. */
    private readonly path: () => string,
  ) {
    this.claims = new GpuClaims(join(dataDir, 'gpus'));
  }

  inventory(): Promise<GpuInventory> {
    this.#inventory ??= this.configured
      ? Promise.resolve(configuredInventory(this.configured))
      : detectGpus(this.path());
    return this.#inventory;
  }

  async count(): Promise<number | null> {
    const { gpus } = await this.inventory();
    return gpus === null ? null : gpus.length;
  }

  /** One line for the start-up log. */
  async describe(): Promise<string> {
    const inventory = await this.inventory();
    if (inventory.gpus === null)
      return `no GPUs to share out (${inventory.reason}): GPU flavors' notebooks start without a GPU of their own`;
    const list = inventory.gpus.map((gpu) => `${gpu.index} ${gpu.uuid}${gpu.name ? ` (${gpu.name})` : ''}`).join(', ');
    return `${inventory.gpus.length} GPU(s) to share out, from ${inventory.source}${list ? `: ${list}` : ''}`;
  }

  /** Gives the instance `need` GPUs (none for a CPU flavor) and says how its processes see them. */
  async assign(instanceId: string, need: number): Promise<GpuAssignment> {
    const inventory = await this.inventory();
    if (need === 0) {
      await this.claims.release(instanceId);
      return { env: { CUDA_VISIBLE_DEVICES: '', NVIDIA_VISIBLE_DEVICES: 'void' } };
    }
    if (inventory.gpus === null)
      return { env: {}, message: `no GPU of its own: this host has none to share out (${inventory.reason})` };
    const held = await this.claims.claim(instanceId, need, inventory.gpus);
    if (!held) {
      throw new WorkloadError(
        `No ${need === 1 ? 'GPU is' : `${need} GPUs are`} free for this notebook: the host's ${inventory.gpus.length} are held by other notebooks.`,
        'ModelArts.6361',
        {
          phase: 'gpus',
        },
      );
    }
    const uuids = held.map((gpu) => gpu.uuid).join(',');
    const described = held.map((gpu) => `${gpu.index} (${gpu.uuid}${gpu.name ? `, ${gpu.name}` : ''})`).join(', ');
    return {
      env: { CUDA_VISIBLE_DEVICES: uuids, NVIDIA_VISIBLE_DEVICES: uuids },
      message: `assigned GPU${held.length > 1 ? 's' : ''} ${described}`,
    };
  }

  release(instanceId: string): Promise<void> {
    return this.claims.release(instanceId);
  }
}
