import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concernsPod, occurrenceOf, progressMessage } from '../../../src/runtime/kubernetes/event-progress.js';
import { recordedEvents } from './k8s-fixtures.js';

const pod = { name: 'nb-de-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38', uid: '6f1c2a9e-3b7d-4f0a-9c55-2d8e1b4a7c10' };

describe('Kubernetes events → start progress', () => {
  it('turns the recorded start-up of a Pod into messages, in order, without the container kill', () => {
    const messages = recordedEvents()
      .filter((event) => concernsPod(event, pod))
      .map(progressMessage);
    assert.deepEqual(messages, [
      'waiting for a node: No node has enough free GPU for this flavor (0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod).',
      'placed on a node: Successfully assigned notebooks/nb-de-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38 to node-2',
      'pulling image "swr.example.com/atelier/mul-kernel-cpu-cp36:2.0.5-B003"',
      'successfully pulled image "swr.example.com/atelier/mul-kernel-cpu-cp36:2.0.5-B003" in 41.2s (41.2s including waiting). Image size: 2431651024 bytes.',
      'created container: notebook',
      'started container notebook',
      'warning: Failed: Failed to pull image "swr.example.com/atelier/mul-kernel-cpu-cp36:2.0.5-B003": rpc error: code = NotFound desc = failed to pull and unpack image',
      'warning: BackOff: Back-off restarting failed container notebook in pod nb-de-0c3f9a52-8e1d-4b7a-a1c4-5f2e9d7b6a38_notebooks(6f1c2a9e-3b7d-4f0a-9c55-2d8e1b4a7c10)',
      null,
    ]);
  });

  it('ignores events of an older Pod of the same name', () => {
    const older = recordedEvents().filter((event) => !concernsPod(event, pod));
    assert.equal(older.length, 1);
    assert.equal(older[0]!.involvedObject.uid, '11111111-2222-4333-8444-555555555555');
  });

  it('tells a repeated event apart by its count', () => {
    const [event] = recordedEvents();
    assert.notEqual(occurrenceOf(event!), occurrenceOf({ ...event!, count: 2 }));
    assert.equal(occurrenceOf(event!), occurrenceOf(structuredClone(event!)));
  });
});
