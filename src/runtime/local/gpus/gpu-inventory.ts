/**
 * @module runtime/local/gpus/gpu-inventory
 * The host's GPUs: a configured list, or what `nvidia-smi` reports
 * (`--query-gpu=index,uuid,name,memory.total --format=csv,noheader`). A host without
 * `nvidia-smi` has no inventory (null): GPU flavors there are labels, as they were before the
 * runtime shared GPUs out, and the service says so at start-up.
 */
import { execFile } from 'node:child_process';

export interface Gpu {
  index: number;
  /** `GPU-…`: what CUDA_VISIBLE_DEVICES and NVIDIA_VISIBLE_DEVICES name it by. */
  uuid: string;
  name: string;
  /** As nvidia-smi says it (`81559 MiB`); empty when not known. */
  memory: string;
}

export type GpuInventory = { gpus: Gpu[]; source: string } | { gpus: null; reason: string };

/** A GPU of the `runtime.local.gpus` setting. */
export interface ConfiguredGpu {
  uuid: string;
  name?: string;
}

/** One line of nvidia-smi's CSV: `0, GPU-8c…, NVIDIA H100 80GB HBM3, 81559 MiB` (a name may hold commas). */
export function parseNvidiaSmi(output: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length < 4 || !/^\d+$/.test(fields[0]!) || !fields[1]) continue;
    gpus.push({
      index: Number(fields[0]),
      uuid: fields[1],
      name: fields.slice(2, -1).join(', '),
      memory: fields.at(-1)!,
    });
  }
  return gpus;
}

export function configuredInventory(list: readonly ConfiguredGpu[]): GpuInventory {
  return {
    gpus: list.map((gpu, index) => ({ index, uuid: gpu.uuid, name: gpu.name ?? '', memory: '' })),
    source: 'runtime.local.gpus',
  };
}

/** Asks `nvidia-smi` (looked up on `path`). */
export function detectGpus(path: string, timeoutMs = 15_000): Promise<GpuInventory> {
  const args = ['--query-gpu=index,uuid,name,memory.total', '--format=csv,noheader'];
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      args,
      { env: { PATH: path, LANG: 'C' }, timeout: timeoutMs, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const reason =
            code === 'ENOENT'
              ? 'nvidia-smi is not installed'
              : `nvidia-smi failed: ${(stderr || err.message).trim().split('\n')[0]}`;
          resolve({ gpus: null, reason });
          return;
        }
        resolve({ gpus: parseNvidiaSmi(stdout), source: 'nvidia-smi' });
      },
    );
  });
}
