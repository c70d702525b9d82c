/**
 * GPUs shared out on one host, over real HTTP and real notebooks, with a stand-in `nvidia-smi` on
 * PATH that reports two GPUs in the real tool's CSV: two 1-GPU notebooks each see their own GPU
 * (by UUID, in the server's environment, which its kernels inherit), the flavor is then sold out and a
 * third queues until one stops, and a restart of the service keeps every assignment. CPU
 * notebooks see no GPU.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { parseNvidiaSmi } from '../../src/runtime/local/gpus/gpu-inventory.js';
import { tempDir } from '../runtime/local-fixtures.js';
import { action, assertError, waitStatus } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const GPU_A = 'GPU-0a1b2c3d-1111-2222-3333-444455556666';
const GPU_B = 'GPU-9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff';
const NVIDIA_SMI = `#!/bin/sh
# Stand-in for nvidia-smi: the two GPUs of a test host, as --query-gpu=index,uuid,name,memory.total --format=csv,noheader prints them.
case "$*" in
  *--query-gpu=index,uuid,name,memory.total*--format=csv,noheader*)
    echo "0, ${GPU_A}, NVIDIA H100 80GB HBM3, 81559 MiB"
    echo "1, ${GPU_B}, NVIDIA H100 80GB HBM3, 81559 MiB" ;;
  *) echo "unexpected arguments: $*" >&2; exit 2 ;;
esac
`;
const ONE_GPU = completeFlavor({
  name: 'test.gpu.one',
  type: 'GPU',
  params: { CPU: 1, GPU: 1, memory: '2GiB' },
  queues: true,
});
const ONE_GPU_NO_QUEUE = completeFlavor({
  name: 'test.gpu.strict',
  type: 'GPU',
  params: { CPU: 1, GPU: 1, memory: '2GiB' },
});
const CPU_ONLY = completeFlavor({ name: 'test.cpu.one', type: 'CPU', params: { CPU: 1, memory: '2GiB' } });
const GPU_PROFILE = 'Multi-Engine 1.0 (python3)-gpu';

function environ(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean);
  return Object.fromEntries(
    entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

describe('GPUs shared out among notebooks on one host', () => {
  const bin = tempDir('gpu-bin');
  const dataDir = tempDir('gpu-data');
  const originalPath = process.env.PATH;
  let t: TestApp;
  const ids: Record<string, string> = {};
  const start = () =>
    startTestApp({
      dataDir,
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, ONE_GPU, ONE_GPU_NO_QUEUE, CPU_ONLY] },
      runtime: { driver: 'local', pollIntervalSeconds: 1 },
    });
  const create = async (name: string, flavor: string, profile = GPU_PROFILE) => {
    const res = await t.http('POST', t.instances(), {
      body: { name, profile_id: profile, flavor, spec: { storage: { type: 'evs' } } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ids[name] = res.body.id;
    return res.body;
  };
  const serverEnv = async (name: string) =>
    environ(Number((await t.app.services.store.instances.getById(ids[name]!))!.runtime!.data.pid));
  const flavorStatus = async (name: string) =>
    ((await t.http('GET', `/v1/${t.projectId}/demanager/flavors`)).body.flavors as any[]).find((f) => f.name === name)
      .status;

  before(async () => {
    writeFileSync(join(bin, 'nvidia-smi'), NVIDIA_SMI);
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    process.env.PATH = `${bin}:${originalPath}`;
    mkdirSync(dataDir, { recursive: true });
    t = await start();
  });
  after(async () => {
    // Those waiting leave the line first: stopping a notebook frees its GPU, which would admit the
    // next in line and leave its server running after the service stops.
    const statusOf = async (id: string) => (await t.http('GET', `${t.instances()}/${id}`)).body.status as string;
    for (const [name, id] of Object.entries(ids)) {
      const now = await statusOf(id);
      if (now !== 'CREATE_QUEUING' && now !== 'START_QUEUING') continue;
      assert.equal((await action(t, id, 'dequeue')).status, 200, `${name} leaves the line`);
      await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
    }
    for (const [name, id] of Object.entries(ids)) {
      const now = await statusOf(id);
      if (now === 'RUNNING') {
        await action(t, id, 'stop');
        await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
      } else assert.equal(now, 'STOPPED', `${name} is ${now}`);
    }
    await t.stop(true);
    process.env.PATH = originalPath;
  });

  it('reads nvidia-smi’s CSV, names with commas included', () => {
    assert.deepEqual(
      parseNvidiaSmi(
        `0, ${GPU_A}, NVIDIA A100-SXM4-40GB, 40960 MiB\n1, ${GPU_B}, Tesla V100, PCIe, 16384 MiB\n\nNo devices were found\n`,
      ),
      [
        { index: 0, uuid: GPU_A, name: 'NVIDIA A100-SXM4-40GB', memory: '40960 MiB' },
        { index: 1, uuid: GPU_B, name: 'Tesla V100, PCIe', memory: '16384 MiB' },
      ],
    );
  });

  it('gives each 1-GPU notebook a GPU of its own, by UUID, and says so in its history', async () => {
    await create('first', ONE_GPU.name);
    await waitStatus(t, ids.first!, 'RUNNING', { timeoutMs: 60_000 });
    await create('second', ONE_GPU.name);
    await waitStatus(t, ids.second!, 'RUNNING', { timeoutMs: 60_000 });
    const first = await serverEnv('first');
    const second = await serverEnv('second');
    assert.deepEqual(new Set([first.CUDA_VISIBLE_DEVICES, second.CUDA_VISIBLE_DEVICES]), new Set([GPU_A, GPU_B]));
    assert.equal(first.NVIDIA_VISIBLE_DEVICES, first.CUDA_VISIBLE_DEVICES);
    const events = (await t.http('GET', `${t.instances()}/${ids.first}/events`)).body.events as any[];
    assert.ok(
      events.some(
        (e) =>
          e.kind === 'progress' &&
          e.detail.message ===
            `assigned GPU ${first.CUDA_VISIBLE_DEVICES === GPU_A ? `0 (${GPU_A}` : `1 (${GPU_B}`}, NVIDIA H100 80GB HBM3)`,
      ),
      JSON.stringify(events.map((e) => e.detail)),
    );
  });

  it('sells out every GPU flavor while both GPUs are held: a third queues, a non-queueing flavor refuses', async () => {
    assert.equal(await flavorStatus(ONE_GPU.name), 'soldOut');
    assert.equal(await flavorStatus(ONE_GPU_NO_QUEUE.name), 'soldOut', 'the GPUs are the host’s, not one flavor’s');
    assert.equal(await flavorStatus(CPU_ONLY.name), 'onSale');
    const third = await create('third', ONE_GPU.name);
    assert.equal(third.status, 'CREATE_QUEUING');
    const refused = await t.http('POST', t.instances(), {
      body: {
        name: 'strict',
        profile_id: GPU_PROFILE,
        flavor: ONE_GPU_NO_QUEUE.name,
        spec: { storage: { type: 'evs' } },
      },
    });
    assertError(refused, 'ModelArts.6329');
  });

  it('sees no GPU in a CPU notebook', async () => {
    await create('cpu', CPU_ONLY.name, 'Multi-Engine 1.0 (python3)-cpu');
    await waitStatus(t, ids.cpu!, 'RUNNING', { timeoutMs: 60_000 });
    const env = await serverEnv('cpu');
    assert.equal(env.CUDA_VISIBLE_DEVICES, '');
    assert.equal(env.NVIDIA_VISIBLE_DEVICES, 'void');
  });

  it('keeps every assignment across a restart of the service, and admits the third when a GPU frees', async () => {
    const before = {
      first: (await serverEnv('first')).CUDA_VISIBLE_DEVICES,
      second: (await serverEnv('second')).CUDA_VISIBLE_DEVICES,
    };
    await t.stop(false);
    t = await start();
    await waitStatus(t, ids.first!, 'RUNNING');
    assert.equal((await serverEnv('first')).CUDA_VISIBLE_DEVICES, before.first);
    assert.equal(
      (await t.http('GET', `${t.instances()}/${ids.third}`)).body.status,
      'CREATE_QUEUING',
      'both GPUs are still held after the restart',
    );

    await action(t, ids.first!, 'stop');
    await waitStatus(t, ids.first!, 'STOPPED', { timeoutMs: 30_000 });
    await waitStatus(t, ids.third!, 'RUNNING', { timeoutMs: 60_000 });
    assert.equal(
      (await serverEnv('third')).CUDA_VISIBLE_DEVICES,
      before.first,
      'the freed GPU went to the next in line',
    );
    assert.equal((await serverEnv('second')).CUDA_VISIBLE_DEVICES, before.second);
    // The stopped one cannot start again while both are held: its start waits in line.
    await action(t, ids.first!, 'start');
    await waitStatus(t, ids.first!, 'START_QUEUING');
  });
});
