/**
 * Two servers on one PostgreSQL database: a change made through one replica reaches a change
 * stream opened on the other, found by its light poll of the watched project; and an event id
 * given by one replica resumes a stream on the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { create, waitGone, waitStatus } from '../support/api.js';
import { openEventStream } from '../support/event-stream-client.js';
import { cpuBody, type TestApp } from '../support/test-app.js';
import { startReplicaPair, type ReplicaPair } from './replica-pair.js';

describe('instance change stream across replicas', () => {
  let pair: ReplicaPair | undefined;
  let replicas: TestApp[] = [];
  before(async () => {
    pair = await startReplicaPair();
    replicas = pair.replicas;
  });
  after(() => pair?.stop());

  it('shows on one replica a change made through the other', async () => {
    const [a, b] = replicas as [TestApp, TestApp];
    const made = await create(b, cpuBody('across', 'modelarts.vm.cpu.2u'));
    await waitStatus(b, made.id, 'RUNNING');
    await b.http('POST', `${b.instances()}/${made.id}/action`, { body: { action: 'stop' } });
    await waitStatus(b, made.id, 'STOPPED');

    const stream = await openEventStream(`${a.url}/v1/${a.projectId}/demanager/instance-changes`, {
      'X-Auth-Token': a.adminToken,
    });
    try {
      await stream.next((e) => e.event === 'ready');
      const changed = await b.http('PUT', `${b.instances()}/${made.id}`, {
        body: { description: 'changed elsewhere' },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const seen = JSON.parse(
        (await stream.next((e) => e.event === 'instance' && JSON.parse(e.data).id === made.id)).data,
      );
      assert.deepEqual([seen.description, seen.status], ['changed elsewhere', 'STOPPED']);
    } finally {
      stream.close();
    }
  });

  it('resumes on one replica from the last event id another gave, with what changed and was deleted meanwhile', async () => {
    const [a, b] = replicas as [TestApp, TestApp];
    const kept = await create(a, cpuBody('resume-kept', 'modelarts.vm.cpu.2u'));
    const dropped = await create(a, cpuBody('resume-dropped', 'modelarts.vm.cpu.2u'));
    for (const made of [kept, dropped]) await waitStatus(a, made.id, 'RUNNING');
    await a.http('POST', `${a.instances()}/${dropped.id}/action`, { body: { action: 'stop' } });
    await waitStatus(a, dropped.id, 'STOPPED');

    const first = await openEventStream(`${a.url}/v1/${a.projectId}/demanager/instance-changes`, {
      'X-Auth-Token': a.adminToken,
    });
    await first.next((e) => e.event === 'ready');
    const lastId = first.lastEventId;
    first.close();
    await b.http('PUT', `${b.instances()}/${kept.id}`, { body: { description: 'while away, elsewhere' } });
    await b.http('DELETE', `${b.instances()}/${dropped.id}`);
    await waitGone(b, dropped.id);

    const back = await openEventStream(`${b.url}/v1/${b.projectId}/demanager/instance-changes`, {
      'X-Auth-Token': b.adminToken,
      'Last-Event-ID': lastId,
    });
    try {
      assert.equal(JSON.parse((await back.next((e) => e.event === 'ready')).data).resumed, true);
      const seen = JSON.parse(
        (await back.next((e) => e.event === 'instance' && JSON.parse(e.data).id === kept.id)).data,
      );
      assert.equal(seen.description, 'while away, elsewhere');
      assert.deepEqual(JSON.parse((await back.next((e) => e.event === 'instance-deleted')).data), {
        id: dropped.id,
        status: 'DELETED',
      });
    } finally {
      back.close();
    }
  });
});
