/**
 * @module test/api/list
 * GET /v1/{project_id}/demanager/instances with every query parameter of api-reference.md §1.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { action, assertError, create, listInstances, member, names, waitStatus } from '../support/api.js';
import { assertInstanceContract } from '../support/instance-contract.js';
import { createBody, startTestApp, type TestApp } from '../support/test-app.js';

const POOL = { id: 'pool-1', name: 'pool-one', type: 'USER_DEFINED', capacity: 0 };

describe('list: every query parameter', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof member>>;
  /** Admin's instances in workspace 0, in creation order. */
  const CREATED = ['nb-charlie', 'nb-alpha', 'nb-bravo', 'nb-echo'];
  const BY_NAME = ['nb-alpha', 'nb-bravo', 'nb-charlie', 'nb-echo'];

  before(async () => {
    // The pool's owner is the default project, whose id exists only after the first start.
    const first = await startTestApp();
    const projectId = first.projectId;
    await first.stop(false);
    t = await startTestApp({ dataDir: first.dataDir, catalog: { pools: [{ ...POOL, owner_project_id: projectId }] } });
    assert.equal(t.projectId, projectId);
    alice = await member(t, 'alice', t.projectId);

    const made: Record<string, any> = {};
    for (const name of CREATED) {
      const extra =
        name === 'nb-bravo'
          ? { ai_project: { id: 'proj-x' } }
          : name === 'nb-echo'
            ? { pool: { id: POOL.id, name: POOL.name, type: POOL.type } }
            : {};
      made[name] = await create(t, createBody(name, extra));
      await delay(3); // distinct creation timestamps
    }
    made['nb-alice'] = await create(t, createBody('nb-alice'), { token: alice.token });
    for (const inst of Object.values(made)) await waitStatus(t, inst.id, 'RUNNING');
    await action(t, made['nb-alpha'].id, 'stop');
    await waitStatus(t, made['nb-alpha'].id, 'STOPPED');
  });
  after(() => t.stop());

  async function listNames(query: string, token?: string): Promise<{ names: string[]; total: number }> {
    const res = await listInstances(t, query, token ? { token } : {});
    assert.equal(res.status, 200, `?${query}: ${JSON.stringify(res.body)}`);
    for (const instance of res.body.instances) assertInstanceContract(instance, `list ?${query}`);
    return { names: names(res.body), total: res.body.total_count };
  }

  it("de_type=Notebook alone: the caller's instances, sorted by name ascending, with total_count", async () => {
    assert.deepEqual(await listNames(''), { names: BY_NAME, total: 4 });
  });

  it('de_type is required and case-sensitive', async () => {
    assertError(await t.http('GET', t.instances()), '6335', 400, 'no de_type');
    assertError(await t.http('GET', `${t.instances()}?de_type=notebook`), '6336', 400, 'de_type=notebook');
    assertError(await t.http('GET', `${t.instances()}?de_type=NOTEBOOK`), '6336', 400, 'de_type=NOTEBOOK');
    assertError(await t.http('GET', `${t.instances()}?de_type=`), '6336', 400, 'empty de_type');
  });

  it('provision_type=Docker lists the same', async () => {
    assert.deepEqual(await listNames('provision_type=Docker'), { names: BY_NAME, total: 4 });
  });

  it('status filters on one status', async () => {
    assert.deepEqual(await listNames('status=RUNNING'), { names: ['nb-bravo', 'nb-charlie', 'nb-echo'], total: 3 });
    assert.deepEqual(await listNames('status=STOPPED'), { names: ['nb-alpha'], total: 1 });
    assert.deepEqual(await listNames('status=CREATE_FAILED'), { names: [], total: 0 });
  });

  it('sortby name|creation_timestamp with order asc|desc; any other sort key is 6303', async () => {
    assert.deepEqual((await listNames('sortby=name')).names, BY_NAME);
    assert.deepEqual((await listNames('sortby=name&order=asc')).names, BY_NAME);
    assert.deepEqual((await listNames('sortby=name&order=desc')).names, [...BY_NAME].reverse());
    assert.deepEqual((await listNames('order=desc')).names, [...BY_NAME].reverse());
    assert.deepEqual((await listNames('sortby=creation_timestamp')).names, CREATED);
    assert.deepEqual((await listNames('sortby=creation_timestamp&order=asc')).names, CREATED);
    assert.deepEqual((await listNames('sortby=creation_timestamp&order=desc')).names, [...CREATED].reverse());
    for (const key of ['status', 'flavor', 'id', 'latest_update_timestamp']) {
      assertError(await listInstances(t, `sortby=${key}`), '6303', 400, `sortby=${key}`);
    }
  });

  it('offset and limit page the result; total_count counts every match', async () => {
    assert.deepEqual(await listNames('offset=0&limit=0'), { names: BY_NAME, total: 4 });
    assert.deepEqual(await listNames('limit=2'), { names: BY_NAME.slice(0, 2), total: 4 });
    assert.deepEqual(await listNames('offset=1&limit=2'), { names: BY_NAME.slice(1, 3), total: 4 });
    assert.deepEqual(await listNames('offset=3'), { names: BY_NAME.slice(3), total: 4 });
    assert.deepEqual(await listNames('offset=10&limit=2'), { names: [], total: 4 });
    assert.deepEqual(await listNames('sortby=creation_timestamp&order=desc&offset=1&limit=2'), {
      names: [...CREATED].reverse().slice(1, 3),
      total: 4,
    });
    assert.deepEqual(await listNames('status=RUNNING&sortby=creation_timestamp&order=desc&limit=2'), {
      names: ['nb-echo', 'nb-bravo'],
      total: 3,
    });
  });

  it("show_self True/true (the default) lists the caller's, false the whole project's", async () => {
    assert.deepEqual(await listNames('show_self=True'), { names: BY_NAME, total: 4 });
    assert.deepEqual(await listNames('show_self=true'), { names: BY_NAME, total: 4 });
    assert.deepEqual(await listNames('show_self=false'), { names: ['nb-alice', ...BY_NAME], total: 5 });
    assert.deepEqual(await listNames('', alice.token), { names: ['nb-alice'], total: 1 });
    assert.deepEqual(await listNames('show_self=True', alice.token), { names: ['nb-alice'], total: 1 });
    assert.deepEqual(await listNames('show_self=false', alice.token), { names: ['nb-alice', ...BY_NAME], total: 5 });
  });

  it("the CLI's query (de_type, show_self=True, ai_project_id, no offset) works", async () => {
    assert.deepEqual(await listNames('show_self=True&ai_project_id=default-ai-project'), {
      names: ['nb-alpha', 'nb-charlie', 'nb-echo'],
      total: 3,
    });
  });

  it('ai_project and its client spelling ai_project_id filter on the AI project', async () => {
    assert.deepEqual(await listNames('ai_project=proj-x'), { names: ['nb-bravo'], total: 1 });
    assert.deepEqual(await listNames('ai_project_id=proj-x'), { names: ['nb-bravo'], total: 1 });
    assert.deepEqual(await listNames('ai_project=default-ai-project'), {
      names: ['nb-alpha', 'nb-charlie', 'nb-echo'],
      total: 3,
    });
    assert.deepEqual(await listNames('ai_project_id=nobody'), { names: [], total: 0 });
  });

  it('pool_id filters on the dedicated pool; the pooled instance reports its pool and owner', async () => {
    const res = await listInstances(t, `pool_id=${POOL.id}`);
    assert.deepEqual(names(res.body), ['nb-echo']);
    assert.equal(res.body.total_count, 1);
    assert.deepEqual(res.body.instances[0].pool, {
      id: POOL.id,
      name: POOL.name,
      type: POOL.type,
      owner: { project_id: t.projectId },
    });
    assert.deepEqual(await listNames('pool_id=pool-unknown'), { names: [], total: 0 });
  });

  it('workspace_id=0 is the default workspace', async () => {
    assert.deepEqual(await listNames('workspace_id=0'), { names: BY_NAME, total: 4 });
    assert.deepEqual(await listNames('workspace_id=ws-none'), { names: [], total: 0 });
  });

  it('name (extension) keeps the names containing it, in any case, and counts only those', async () => {
    assert.deepEqual(await listNames('name=ALP'), { names: ['nb-alpha'], total: 1 });
    assert.deepEqual(await listNames('name=nb-&limit=2'), { names: BY_NAME.slice(0, 2), total: 4 });
    assert.deepEqual(await listNames('name=r&show_self=false'), { names: ['nb-bravo', 'nb-charlie'], total: 2 });
    // LIKE's own wildcards are plain characters here.
    assert.deepEqual(await listNames('name=nb_'), { names: [], total: 0 });
    assert.deepEqual(await listNames('name=%25'), { names: [], total: 0 });
    assert.deepEqual(await listNames('name=!'), { names: [], total: 0 });
    assertError(await listInstances(t, `name=${'a'.repeat(65)}`), '6336', 400, 'a 65-character name');
  });

  it("the last activity (extension annotation) is a person's last change, not the service's", async () => {
    const byName = new Map<string, any>((await listInstances(t, '')).body.instances.map((i: any) => [i.name, i]));
    const activity = (name: string) => Number(byName.get(name).spec.annotations['demanager/last_activity']);
    const charlie = byName.get('nb-charlie');
    // Made, then started by the service: its activity is its creation, though it changed since.
    assert.equal(activity('nb-charlie'), Number(charlie.creation_timestamp));
    assert.ok(Number(charlie.latest_update_timestamp) > Number(charlie.creation_timestamp));
    // Stopped by its owner after that; the service finished the stop later still.
    const alpha = byName.get('nb-alpha');
    assert.ok(activity('nb-alpha') > Number(alpha.creation_timestamp));
    assert.ok(activity('nb-alpha') < Number(alpha.latest_update_timestamp));
  });

  it('unknown extra query parameters are ignored', async () => {
    assert.deepEqual(await listNames('foo=bar&x-trace=1'), { names: BY_NAME, total: 4 });
  });
});

describe('list: workspace_id defaults to 0', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ catalog: { workspaces: ['ws-1'] } });
    await create(t, createBody('in-default'));
    const other = await create(t, createBody('in-ws1', { workspace: { id: 'ws-1' } }));
    assert.deepEqual(other.workspace, { id: 'ws-1' });
  });
  after(() => t.stop());

  it('workspace_id=ws-1 lists that workspace only', async () => {
    const res = await listInstances(t, 'workspace_id=ws-1');
    assert.deepEqual(names(res.body), ['in-ws1']);
    assert.equal(res.body.total_count, 1);
  });

  it('workspace_id=0 lists the default workspace only', async () => {
    const res = await listInstances(t, 'workspace_id=0');
    assert.deepEqual(names(res.body), ['in-default']);
  });

  it('without workspace_id the list is that of workspace 0 (the documented default)', async () => {
    const res = await listInstances(t);
    assert.deepEqual(names(res.body), ['in-default'], JSON.stringify(names(res.body)));
    assert.equal(res.body.total_count, 1);
  });
});
