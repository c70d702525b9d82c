/**
 * The isolation pieces that a single host cannot show for real: which control-group hierarchy a
 * host has (v1 split, v1 co-mounted, v2, hybrid, none), what the driver writes into a cgroup v2
 * tree (this CI host is v1; the v2 tree here is a directory laid out as cgroupfs lays it out),
 * flavor sizes, and what a start does where limits cannot be enforced.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveConfig } from '../../src/server/config.js';
import { WorkloadError } from '../../src/core/ports/runtime.js';
import { ControlGroup, findHierarchy } from '../../src/runtime/local/isolation/control-groups.js';
import { memoryBytes } from '../../src/runtime/flavor-memory.js';
import { formatBytes, limitsOf } from '../../src/runtime/local/isolation/flavor-limits.js';
import { accountName, projectGroupName } from '../../src/runtime/local/isolation/os-accounts.js';
import { WorkloadIsolation } from '../../src/runtime/local/isolation/workload-isolation.js';
import { makeDriver, silent, tempDir } from './local-fixtures.js';
import { makeWorkload } from './workloads.js';

const V1_SPLIT = [
  '25 1 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755',
  '26 25 0:23 / /sys/fs/cgroup/cpu rw,relatime shared:5 - cgroup cgroup rw,cpu',
  '27 25 0:24 / /sys/fs/cgroup/cpuacct rw,relatime shared:6 - cgroup cgroup rw,cpuacct',
  '28 25 0:25 / /sys/fs/cgroup/memory rw,relatime shared:7 - cgroup cgroup rw,memory',
  '29 25 0:26 / /sys/fs/cgroup/pids rw,relatime shared:8 - cgroup cgroup rw,pids',
  '30 25 0:27 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw',
];
const V1_COMOUNTED = [
  '26 25 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
  '28 25 0:25 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '29 25 0:26 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
];

describe('local isolation units', () => {
  const dir = tempDir('isolation-units');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const mountinfo = (lines: string[]) => {
    const file = join(dir, `mountinfo-${Math.random()}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };

  it('finds v1 controllers, split or co-mounted, before a hybrid host’s empty v2 mount', async () => {
    assert.deepEqual(await findHierarchy(mountinfo(V1_SPLIT)), {
      version: 1,
      mounts: {
        cpu: '/sys/fs/cgroup/cpu',
        cpuacct: '/sys/fs/cgroup/cpuacct',
        memory: '/sys/fs/cgroup/memory',
        pids: '/sys/fs/cgroup/pids',
      },
    });
    const comounted = await findHierarchy(mountinfo(V1_COMOUNTED));
    assert.ok(comounted?.version === 1);
    assert.equal(comounted.mounts.cpu, '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(comounted.mounts.cpuacct, '/sys/fs/cgroup/cpu,cpuacct');
    // Co-mounted controllers share one directory: a pid is written there once.
    assert.equal(new ControlGroup(comounted, 'DE-x').dirs.length, 3);
    // Without pids, or with nothing at all, there is no hierarchy to use.
    assert.equal(await findHierarchy(mountinfo(V1_SPLIT.filter((l) => !l.endsWith(',pids')))), null);
    assert.equal(await findHierarchy(mountinfo([])), null);
    assert.equal(await findHierarchy(join(dir, 'missing')), null);
  });

  it('uses a v2 mount that offers cpu, memory and pids, and writes limits in its format', async () => {
    const root = join(dir, 'unified');
    mkdirSync(root);
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
    writeFileSync(join(root, 'cgroup.subtree_control'), 'memory\n');
    const hierarchy = await findHierarchy(
      mountinfo([`27 22 0:24 / ${root} rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate`]),
    );
    assert.deepEqual(hierarchy, { version: 2, root });
    const group = new ControlGroup(hierarchy!, 'DE-1');
    // cgroupfs makes the parent's control files itself; here the test lays them out first.
    mkdirSync(join(root, 'demanager'));
    writeFileSync(join(root, 'demanager', 'cgroup.subtree_control'), '');
    await group.apply({ cpus: 1.5, memoryBytes: 512 * 2 ** 20, maxTasks: 256 });
    const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');
    // A write of "+cpu +pids" to the real file enables them beside what was on.
    assert.equal(read('cgroup.subtree_control'), '+cpu +pids');
    assert.equal(read('demanager', 'cgroup.subtree_control'), '+cpu +memory +pids');
    assert.equal(read('demanager', 'DE-1', 'cpu.max'), '150000 100000');
    assert.equal(read('demanager', 'DE-1', 'memory.max'), String(512 * 2 ** 20));
    assert.equal(read('demanager', 'DE-1', 'memory.swap.max'), '0');
    assert.equal(read('demanager', 'DE-1', 'pids.max'), '256');
    writeFileSync(join(root, 'demanager', 'DE-1', 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\n');
    writeFileSync(
      join(root, 'demanager', 'DE-1', 'cpu.stat'),
      'usage_usec 5000\nuser_usec 4000\nsystem_usec 1000\nnr_periods 10\nnr_throttled 4\nthrottled_usec 800\n',
    );
    assert.deepEqual(await group.usage(), { cpuUsageUs: 5000, throttledPeriods: 4, oomKills: 2 });
    await group.apply({ cpus: null, memoryBytes: null, maxTasks: 256 });
    assert.equal(read('demanager', 'DE-1', 'cpu.max'), 'max 100000');
    assert.equal(read('demanager', 'DE-1', 'memory.max'), 'max');
  });

  it('reads flavor sizes as people write them', () => {
    assert.equal(memoryBytes('8GiB'), 8 * 2 ** 30);
    assert.equal(memoryBytes('512Mi'), 512 * 2 ** 20);
    assert.equal(memoryBytes('2GB'), 2e9);
    assert.equal(memoryBytes('1.5G'), 1.5e9);
    assert.equal(memoryBytes(1024), 1024);
    assert.throws(() => memoryBytes('lots'), WorkloadError);
    assert.equal(formatBytes(8 * 2 ** 30), '8 GiB');
    assert.equal(formatBytes(400 * 2 ** 20), '400 MiB');
    const flavor = makeWorkload().flavor;
    assert.deepEqual(limitsOf({ ...flavor, params: { CPU: 2, memory: '8GiB' } }, 100), {
      cpus: 2,
      memoryBytes: 8 * 2 ** 30,
      maxTasks: 100,
    });
    assert.deepEqual(limitsOf({ ...flavor, params: {} }, 100), { cpus: null, memoryBytes: null, maxTasks: 100 });
    assert.throws(() => limitsOf({ ...flavor, params: { CPU: 0 } }, 100), /not a positive number/);
  });

  it('derives stable account and group names from the ids', () => {
    assert.equal(accountName('0123456789abcdef0123456789abcdef'), 'dm-0123456789ab');
    assert.equal(projectGroupName('FEDCBA9876543210FEDCBA9876543210'), 'dmp-fedcba987654');
    assert.match(accountName('u1'), /^dm-[0-9a-f]{12}$/);
    assert.equal(accountName('u1'), accountName('u1'));
    assert.notEqual(accountName('u1'), accountName('u2'));
  });

  it('reads the isolation settings, refusing what they cannot mean', async () => {
    const local = (settings: object) => resolveConfig({ dataDir: dir, runtime: { local: settings } }).runtime.local;
    assert.deepEqual(
      {
        ...local({
          isolation: 'none',
          limits: 'best-effort',
          maxProcesses: 64,
          forkServer: false,
          gpus: [{ uuid: 'GPU-1', name: 'A' }, { uuid: 'GPU-2' }],
        }),
        objectRoot: '',
        stopTimeoutMs: 0,
        jupyter: '',
      },
      {
        objectRoot: '',
        stopTimeoutMs: 0,
        jupyter: '',
        isolation: 'none',
        limits: 'best-effort',
        maxProcesses: 64,
        forkServer: false,
        gpus: [{ uuid: 'GPU-1', name: 'A' }, { uuid: 'GPU-2' }],
      },
    );
    const defaults = local({});
    assert.equal(defaults.isolation, undefined, 'decided by the driver: users as root, none otherwise');
    assert.equal(defaults.maxProcesses, 4096);
    assert.equal(defaults.forkServer, true);
    assert.equal(defaults.gpus, undefined, 'ask nvidia-smi');
    assert.throws(() => local({ isolation: 'everyone' }), /runtime.local.isolation must be "users" or "none"/);
    assert.throws(() => local({ limits: 'strict' }), /runtime.local.limits must be "enforced" or "best-effort"/);
    assert.throws(() => local({ maxProcesses: 2 }), /maxProcesses must be a whole number of at least 16/);
    assert.throws(() => local({ forkServer: 'yes' }), /runtime.local.forkServer must be true or false, got "yes"/);
    assert.throws(
      () => local({ gpus: [{ uuid: 'GPU-1' }, { uuid: 'GPU-1' }] }),
      /runtime.local.gpus must be a list of distinct GPUs/,
    );
    assert.throws(() => local({ gpus: [{ uuid: '../x' }] }), /runtime.local.gpus/);
    // A configured list is the inventory, nvidia-smi or not; [] is a host without GPUs.
    assert.equal(await makeDriver(dir, { gpus: [] }).hostGpus(), 0);
    assert.equal(await makeDriver(dir, { gpus: [{ uuid: 'GPU-1' }, { uuid: 'GPU-2' }] }).hostGpus(), 2);
    assert.match(
      await makeDriver(dir, { gpus: [{ uuid: 'GPU-1', name: 'Test GPU' }] }).describeGpus(),
      /1 GPU\(s\) to share out, from runtime.local.gpus: 0 GPU-1 \(Test GPU\)/,
    );
    if (process.getuid?.() !== 0)
      assert.throws(() => makeDriver(dir, { isolation: { mode: 'users' } }), /needs the service to run as root/);
  });

  it('refuses a flavor with limits where no control group can hold it, unless told best-effort', async () => {
    const noGroups = Promise.resolve(null);
    const limited = makeWorkload();
    const enforced = new WorkloadIsolation(
      { mode: 'none', limits: 'enforced', maxTasks: 100 },
      silent,
      undefined,
      noGroups,
    );
    await assert.rejects(enforced.contain(limited), (err: WorkloadError) => {
      assert.equal(err.code, 'ModelArts.6361');
      assert.match(err.message, /asks for limits \(2 CPU, 8 GiB\) that this host cannot enforce[\s\S]*"best-effort"/);
      return true;
    });
    const unlimited = { ...limited, flavor: { ...limited.flavor, params: {} } };
    assert.deepEqual(await enforced.contain(unlimited), { identity: undefined, group: undefined });
    const lenient = new WorkloadIsolation(
      { mode: 'none', limits: 'best-effort', maxTasks: 100 },
      silent,
      undefined,
      noGroups,
    );
    const contained = await lenient.contain(limited);
    assert.equal(contained.group, undefined);
    assert.match(contained.warning!, /limits \(2 CPU, 8 GiB\) are not enforced on this host/);
  });
});
