import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkloadError } from '../../../src/core/ports/runtime.js';
import {
  podHealth,
  startState,
  unschedulableMessage,
  type StartState,
} from '../../../src/runtime/kubernetes/pod-status.js';
import { recordedPod } from './k8s-fixtures.js';

function failure(state: StartState): WorkloadError {
  assert.equal(state.kind, 'failed', JSON.stringify(state));
  return (state as { error: WorkloadError }).error;
}

describe('Pod status → start state', () => {
  it('a Ready Pod is ready', () => {
    assert.deepEqual(startState(recordedPod('running-ready')), { kind: 'ready' });
  });

  it('a Pod not yet scheduled, a container being created and a server not yet listening are starting, each saying so', () => {
    assert.deepEqual(startState(recordedPod('pending-new')), {
      kind: 'starting',
      message: 'waiting for the scheduler to place the notebook on a node',
    });
    assert.deepEqual(startState(recordedPod('container-creating')), {
      kind: 'starting',
      message: 'creating the notebook container on node node-2',
    });
    assert.deepEqual(startState(recordedPod('running-not-ready')), {
      kind: 'starting',
      message: 'waiting for the notebook server to accept connections',
    });
  });

  it('an unschedulable Pod names the resources no node has', () => {
    assert.deepEqual(startState(recordedPod('unschedulable')), {
      kind: 'unschedulable',
      message:
        'No node has enough free CPU and GPU for this flavor (0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod).',
    });
  });

  it('image pull errors name the image and what the registry said', () => {
    const pull = failure(startState(recordedPod('err-image-pull')));
    assert.equal(pull.code, 'ModelArts.6361');
    assert.match(
      pull.message,
      /^The image swr\.example\.com\/atelier\/mul-kernel-cpu-cp36:2\.0\.5-B003 cannot be pulled \(ErrImagePull\): failed to pull .*not found$/,
    );
    assert.deepEqual(pull.detail, { phase: 'start', reason: 'ErrImagePull' });
    const backoff = failure(startState(recordedPod('image-pull-backoff')));
    assert.equal(backoff.detail.reason, 'ImagePullBackOff');
    assert.match(backoff.message, /cannot be pulled \(ImagePullBackOff\): Back-off pulling image/);
  });

  it('a crash loop gives the last exit code and the restart count', () => {
    const crash = failure(startState(recordedPod('crash-loop')));
    assert.equal(crash.message, 'The notebook server keeps crashing (exit code 1, restarted 3 times): Error');
    assert.equal(crash.detail.reason, 'CrashLoopBackOff');
  });

  it('an OOM kill says the server ran out of memory, with the limit', () => {
    const oom = failure(startState(recordedPod('oom-crash-loop')));
    assert.equal(oom.message, 'The notebook server ran out of memory (limit 8Gi) and was killed.');
    assert.equal(oom.detail.reason, 'OOMKilled');
  });

  it('an evicted Pod and one deleted while starting fail', () => {
    assert.match(
      failure(startState(recordedPod('evicted'))).message,
      /^The notebook server exited with code 137 \(Evicted\): The node was low on resource: ephemeral-storage/,
    );
    assert.equal(failure(startState(recordedPod('terminating'))).detail.reason, 'Deleted');
  });
});

describe('Pod status → health', () => {
  it('Ready is running; a server serving again after one OOM kill is running too', () => {
    assert.deepEqual(podHealth(recordedPod('running-ready')), { state: 'running' });
    assert.deepEqual(podHealth(recordedPod('running-after-oom')), { state: 'running' });
  });

  it('no Pod, or one being deleted, is an exit: deleted outside demanager', () => {
    const gone = { state: 'exited', code: null, reason: 'the notebook Pod was deleted outside demanager' };
    assert.deepEqual(podHealth(undefined), gone);
    assert.deepEqual(podHealth(recordedPod('terminating')), gone);
  });

  it('crash loops, OOM kills, evictions and a server that ended are exits with their code', () => {
    assert.deepEqual(podHealth(recordedPod('crash-loop')), {
      state: 'exited',
      code: 1,
      reason: 'the notebook server keeps crashing (exit code 1, restarted 3 times): Error',
    });
    assert.deepEqual(podHealth(recordedPod('oom-crash-loop')), {
      state: 'exited',
      code: 137,
      reason: 'the notebook server ran out of memory (limit 8Gi) and was killed.',
    });
    assert.equal(podHealth(recordedPod('evicted')).state, 'exited');
    assert.deepEqual(podHealth(recordedPod('succeeded')), {
      state: 'exited',
      code: 0,
      reason: 'the notebook server exited with code 0 (Completed).',
    });
  });

  it('a Pod running but not ready is unknown, not an exit', () => {
    assert.deepEqual(podHealth(recordedPod('running-not-ready')), {
      state: 'unknown',
      reason: 'the notebook Pod is Running but not ready',
    });
  });
});

describe('unschedulable messages', () => {
  it('names memory alone, and falls back to a plain sentence for other reasons', () => {
    assert.equal(
      unschedulableMessage('0/2 nodes are available: 2 Insufficient memory.'),
      'No node has enough free memory for this flavor (0/2 nodes are available: 2 Insufficient memory).',
    );
    assert.equal(
      unschedulableMessage("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."),
      "No node can take the notebook now (0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector).",
    );
  });
});
