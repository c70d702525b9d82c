/**
 * Two servers on one PostgreSQL database and one manual clock: the usage counters scraped from
 * either are the same, while a period is open and after another replica closed it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { CPU_FLAVOR, create, waitStatus } from '../support/api.js';
import { usageCounters } from '../support/prometheus-text.js';
import { cpuBody, INSTANT_PHASES, type TestApp } from '../support/test-app.js';
import { startReplicaPair, type ReplicaPair } from './replica-pair.js';

const MIN = 60_000;

describe('usage counters across replicas', () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 6, 9));
  let pair: ReplicaPair | undefined;
  let replicas: TestApp[] = [];
  before(async () => {
    pair = await startReplicaPair({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    replicas = pair.replicas;
  });
  after(() => pair?.stop());

  it('are the same figures on every replica', async () => {
    const [a, b] = replicas as [TestApp, TestApp];
    const made = await create(b, cpuBody('metered', CPU_FLAVOR, false));
    await waitStatus(b, made.id, 'RUNNING');
    clock.advance(45 * MIN);
    // modelarts.vm.cpu.2u: 2 CPUs, 8 GiB.
    const open = [0.75, 1.5, 0, 6];
    assert.deepEqual(await usageCounters(a, CPU_FLAVOR), open);
    assert.deepEqual(await usageCounters(b, CPU_FLAVOR), open);
    await a.http('POST', `${a.instances()}/${made.id}/action`, { body: { action: 'stop' } });
    await waitStatus(a, made.id, 'STOPPED');
    clock.advance(45 * MIN);
    assert.deepEqual(await usageCounters(b, CPU_FLAVOR), open, 'closed by the other replica');
    assert.deepEqual(await usageCounters(a, CPU_FLAVOR), open);
  });
});
