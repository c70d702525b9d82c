/**
 * Profiles choose what runs on the local runtime, with real Python environments made here: a
 * profile naming a virtualenv runs its kernels with that environment's Python and its variables,
 * a built-in profile keeps the host's Jupyter and Python, and a profile whose environment is
 * missing (or cannot run a kernel) fails the start with a reason naming it.
 */
import assert from 'node:assert/strict';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { tempDir } from '../runtime/local-fixtures.js';
import { action, waitStatus, waitUntil } from '../support/api.js';
import { execute, openNotebook, startKernel } from '../support/kernel-client.js';
import { virtualenv } from '../support/python-environments.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CPU_FLAVOR = 'modelarts.vm.cpu.2u';
const FAILED = ['CREATE_FAILED', 'START_FAILED'];

describe('profiles choose the Python environment a notebook runs', () => {
  const envs = tempDir('profile-envs');
  chmodSync(envs, 0o755);
  const withJupyter = virtualenv(join(envs, 'science'), true);
  const bare = virtualenv(join(envs, 'bare'), false);
  let t: TestApp;
  const running: string[] = [];

  before(async () => {
    t = await startTestApp({
      catalog: {
        profiles: [
          ...BUILTIN_CATALOG.profiles.map((p) => ({
            id: p.id,
            flavor_types: p.flavor_types,
            description: p.description,
          })),
          {
            id: 'science',
            name: 'Science 1.0',
            flavor_types: ['CPU'],
            local: { prefix: withJupyter, env: { PROFILE_MARK: 'from-the-profile' } },
          },
          { id: 'gone', flavor_types: ['CPU'], local: { prefix: join(envs, 'never-made') } },
          { id: 'no-kernel', flavor_types: ['CPU'], local: { prefix: bare, jupyter: '/usr/bin/jupyter' } },
        ],
      },
      runtime: { driver: 'local', pollIntervalSeconds: 1 },
    });
  });
  after(async () => {
    for (const id of running) {
      await action(t, id, 'stop');
      await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
    }
    await t.stop(true);
    rmSync(envs, { recursive: true, force: true });
  });

  async function create(name: string, profile: string): Promise<string> {
    const res = await t.http('POST', t.instances(), {
      body: { name, profile_id: profile, flavor: CPU_FLAVOR, spec: { storage: { type: 'evs' } } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.id;
  }

  async function kernelSays(id: string, code: string): Promise<string> {
    await waitStatus(t, id, 'RUNNING', { timeoutMs: 60_000 });
    running.push(id);
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    const cookie = await openNotebook(t.url, id, token);
    return (await execute(await startKernel(t.url, id, cookie), cookie, code, t.url)).trim();
  }

  const PROBE = "import os, sys; print(sys.prefix, os.environ.get('PROFILE_MARK'), os.environ.get('VIRTUAL_ENV'))";

  it('runs a profile’s kernels with its virtualenv’s Python and its variables', async () => {
    assert.equal(
      await kernelSays(await create('science-nb', 'science'), PROBE),
      `${withJupyter} from-the-profile ${withJupyter}`,
    );
  });

  it('keeps the host’s Jupyter and Python for a built-in profile', async () => {
    assert.equal(
      await kernelSays(await create('builtin-nb', 'Multi-Engine 1.0 (python3)-cpu'), PROBE),
      '/usr None None',
    );
  });

  it('fails the start of a profile whose environment is missing, or cannot run a kernel, naming it', async () => {
    const gone = await waitUntil(t, await create('gone-nb', 'gone'), (i) => FAILED.includes(i.status), {
      timeoutMs: 30_000,
    });
    assert.match(
      gone.spec.failed_reasons.message,
      new RegExp(
        `^The profile gone cannot start here: its environment ${join(envs, 'never-made')} does not exist on this host`,
      ),
    );
    const noKernel = await waitUntil(t, await create('no-kernel-nb', 'no-kernel'), (i) => FAILED.includes(i.status), {
      timeoutMs: 30_000,
    });
    assert.match(
      noKernel.spec.failed_reasons.message,
      /^The profile no-kernel cannot start here: its .*\/bare\/bin\/python3 cannot run a kernel \(.*No module named 'ipykernel'.*\); install ipykernel/,
    );
  });

  it('never shows a profile’s local environment through the API', async () => {
    const listed = JSON.stringify((await t.http('GET', `/v1/${t.projectId}/demanager/profiles`)).body);
    assert.ok(listed.includes('Science 1.0'));
    assert.ok(!listed.includes(withJupyter) && !listed.includes('PROFILE_MARK'));
  });
});
