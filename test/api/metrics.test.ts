/**
 * `/metrics`: the Prometheus exposition for system admins, with API latency per route pattern,
 * start and queue-wait histograms up to half an hour, instances per status, queue depth per
 * flavor, scheduler lag and the process's own figures; usage counters per project and flavor that
 * add the closed periods and the open ones up to now, and only grow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { ONE } from '../support/rule-flavors.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { CPU_FLAVOR, GPU_FLAVOR_2, GPU_PROFILE, member } from '../support/api.js';
import { sample, usageCounters } from '../support/prometheus-text.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

describe('metrics', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 12));
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, ONE] },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
  });
  after(() => t.stop());

  const scrape = async (token?: string | null) => {
    const res = await fetch(`${t.url}/metrics`, {
      headers: token === null ? {} : { authorization: `Bearer ${token ?? t.adminToken}` },
    });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  it('exposes latency by route pattern, instances by status, starts, queue waits and depth', async () => {
    const first = (await t.http('POST', t.instances(), { body: cpuBody('metered-1', ONE.name) })).body.id as string;
    await waitForStatus(t, first, ['RUNNING']);
    const second = (await t.http('POST', t.instances(), { body: cpuBody('metered-2', ONE.name) })).body.id as string;
    assert.equal((await t.http('GET', `${t.instances()}/${second}`)).body.status, 'CREATE_QUEUING');

    let text = (await scrape()).text;
    assert.equal(sample(text, 'demanager_queue_depth', { flavor: ONE.name }), 1);
    assert.equal(sample(text, 'demanager_instances', { status: 'RUNNING' }), 1);
    assert.equal(sample(text, 'demanager_instances', { status: 'CREATE_QUEUING' }), 1);

    clock.advance(90_000);
    await t.http('POST', `${t.instances()}/${first}/action`, { body: { action: 'stop' } });
    await waitForStatus(t, second, ['RUNNING']);

    const scraped = await scrape();
    assert.equal(scraped.status, 200);
    assert.match(scraped.type, /^text\/plain; version=0\.0\.4/);
    text = scraped.text;
    // Route patterns, not ids: one series for every instance.
    assert.ok(
      (sample(text, 'demanager_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/v1/{project_id}/demanager/instances/{instance_id}',
        status: '200',
      }) ?? 0) >= 2,
    );
    assert.ok(!text.includes(first), 'no instance id in any label');
    assert.equal(
      sample(text, 'demanager_instance_start_duration_seconds_count', { flavor: ONE.name, kind: 'create' }),
      2,
    );
    // The second waited the 90 s the clock moved: in the 120 s bucket, not the 60 s one.
    assert.equal(sample(text, 'demanager_queue_wait_seconds_count', { flavor: ONE.name }), 1);
    assert.equal(sample(text, 'demanager_queue_wait_seconds_sum', { flavor: ONE.name }), 90);
    assert.equal(sample(text, 'demanager_queue_wait_seconds_bucket', { flavor: ONE.name, le: '60' }), 0);
    assert.equal(sample(text, 'demanager_queue_wait_seconds_bucket', { flavor: ONE.name, le: '1800' }), 1);
    assert.equal(sample(text, 'demanager_queue_depth', { flavor: ONE.name }), undefined);
    assert.equal(sample(text, 'demanager_instances', { status: 'STOPPED' }), 1);
    assert.ok(text.includes('demanager_scheduler_lag_seconds_count'));
    assert.ok((sample(text, 'demanager_process_resident_memory_bytes') ?? 0) > 0);
  });

  it('is for system admins only', async () => {
    assert.equal((await scrape(null)).status, 401);
    const bob = await member(t, 'bob', t.projectId, 'admin');
    const refused = await scrape(bob.token);
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.text).error_code, 'ModelArts.0108');
  });
});

describe('usage counters', () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 9));
  const MIN = 60_000;
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
  });
  after(() => t.stop());

  const usage = (flavor: string) => usageCounters(t, flavor);
  const act = (id: string, action: string) => t.http('POST', `${t.instances()}/${id}/action`, { body: { action } });

  it('count closed periods and open ones up to now, per project and flavor, growing only', async () => {
    // modelarts.vm.gpu.v100: 8 CPUs, 64 GiB, 1 GPU; modelarts.vm.cpu.2u: 2 CPUs, 8 GiB.
    const gpuBody = { ...cpuBody('metered-gpu', GPU_FLAVOR_2, false), profile_id: GPU_PROFILE };
    const gpu = (await t.http('POST', t.instances(), { body: gpuBody })).body.id as string;
    await waitForStatus(t, gpu, ['RUNNING']);
    assert.deepEqual(await usage(GPU_FLAVOR_2), [0, 0, 0, 0]);
    clock.advance(30 * MIN);
    assert.deepEqual(await usage(GPU_FLAVOR_2), [0.5, 4, 0.5, 32], 'an open period, up to now');

    await act(gpu, 'stop');
    await waitForStatus(t, gpu, ['STOPPED']);
    clock.advance(30 * MIN);
    assert.deepEqual(await usage(GPU_FLAVOR_2), [0.5, 4, 0.5, 32], 'closed: it grows no more');
    assert.equal((await usage(CPU_FLAVOR))[0], undefined, 'no series for a flavor nobody used');

    const cpu = (await t.http('POST', t.instances(), { body: cpuBody('metered-cpu', CPU_FLAVOR, false) })).body
      .id as string;
    await waitForStatus(t, cpu, ['RUNNING']);
    await act(gpu, 'start');
    await waitForStatus(t, gpu, ['RUNNING']);
    clock.advance(15 * MIN);
    assert.deepEqual(await usage(CPU_FLAVOR), [0.25, 0.5, 0, 2]);
    assert.deepEqual(await usage(GPU_FLAVOR_2), [0.75, 6, 0.75, 48], 'the closed period and the open one');
    await act(gpu, 'stop');
    await waitForStatus(t, gpu, ['STOPPED']);
    assert.deepEqual(await usage(GPU_FLAVOR_2), [0.75, 6, 0.75, 48], 'the same figure once the period closed');
  });
});
