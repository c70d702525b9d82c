/**
 * @module runtime/kubernetes/pod-status
 * Reads a Pod's phase, conditions and container states as the lifecycle sees them: a start that
 * is ready, still going (and how), waiting for a node, or failed for a reason its owner can act
 * on; and, once running, whether the notebook still runs. Pure, so it is tested on Pods of the
 * real API's shape.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { WorkloadError, type Health } from '../../core/ports/runtime.js';
import { NOTEBOOK_CONTAINER } from './pod-manifest.js';

export type StartState =
  | { kind: 'ready' }
  | { kind: 'starting'; message: string }
  /** No node has room now; whether that fails the start is the driver's call (it may wait). */
  | { kind: 'unschedulable'; message: string }
  | { kind: 'failed'; error: WorkloadError };

const IMAGE_PULL = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
]);
const CREATE_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** What a notebook's owner needs to hear of a Pod that cannot serve, or null while it may. */
function podFailure(pod: V1Pod): { message: string; reason: string; exitCode: number | null } | null {
  const container = notebookStatus(pod);
  const waiting = container?.state?.waiting;
  const terminated = container?.state?.terminated;
  const last = container?.lastState?.terminated;
  const image = container?.image ?? pod.spec?.containers[0]?.image ?? 'of the profile';
  if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
    return {
      reason: waiting.reason,
      exitCode: null,
      message: `The image ${image} cannot be pulled (${waiting.reason})${suffix(waiting.message)}`,
    };
  }
  if (waiting?.reason && CREATE_FAILURES.has(waiting.reason)) {
    return {
      reason: waiting.reason,
      exitCode: null,
      message: `The notebook container cannot be created (${waiting.reason})${suffix(waiting.message)}`,
    };
  }
  const oom = [terminated, last].find((t) => t?.reason === 'OOMKilled');
  if (oom && (terminated || waiting)) {
    const limit = pod.spec?.containers[0]?.resources?.limits?.memory;
    return {
      reason: 'OOMKilled',
      exitCode: oom.exitCode,
      message: `The notebook server ran out of memory${limit ? ` (limit ${limit})` : ''} and was killed.`,
    };
  }
  if (waiting?.reason === 'CrashLoopBackOff') {
    const code = last?.exitCode ?? null;
    const restarts = container?.restartCount ?? 0;
    return {
      reason: 'CrashLoopBackOff',
      exitCode: code,
      message: `The notebook server keeps crashing (exit code ${code ?? 'unknown'}, restarted ${restarts} times)${suffix(last?.message ?? last?.reason)}`,
    };
  }
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
    const reason = pod.status.reason ?? terminated?.reason ?? pod.status.phase;
    const code = terminated?.exitCode ?? null;
    const how = code === null ? `ended (${reason})` : `exited with code ${code} (${reason})`;
    return {
      reason,
      exitCode: code,
      message: `The notebook server ${how}${suffix(pod.status.message ?? terminated?.message)}`,
    };
  }
  return null;
}

export function startState(pod: V1Pod): StartState {
  if (pod.metadata?.deletionTimestamp) {
    return {
      kind: 'failed',
      error: new WorkloadError('The notebook Pod was deleted while it started.', 'ModelArts.6361', {
        phase: 'start',
        reason: 'Deleted',
      }),
    };
  }
  const failure = podFailure(pod);
  if (failure)
    return {
      kind: 'failed',
      error: new WorkloadError(failure.message, 'ModelArts.6361', { phase: 'start', reason: failure.reason }),
    };
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
    return { kind: 'unschedulable', message: unschedulableMessage(scheduled.message ?? '') };
  if (condition(pod, 'Ready')?.status === 'True') return { kind: 'ready' };
  if (scheduled?.status !== 'True')
    return { kind: 'starting', message: 'waiting for the scheduler to place the notebook on a node' };
  const container = notebookStatus(pod);
  if (pod.status?.phase === 'Running' && container?.state?.running)
    return { kind: 'starting', message: 'waiting for the notebook server to accept connections' };
  const node = pod.spec?.nodeName ? ` on node ${pod.spec.nodeName}` : '';
  return { kind: 'starting', message: `creating the notebook container${node}` };
}

/** The liveness of a started workload's Pod; undefined when it is gone. */
export function podHealth(pod: V1Pod | undefined): Health {
  // The driver's own deletes are not asked about: a Pod that goes away was deleted by someone else.
  if (!pod || pod.metadata?.deletionTimestamp)
    return { state: 'exited', code: null, reason: 'the notebook Pod was deleted outside demanager' };
  const failure = podFailure(pod);
  if (failure) return { state: 'exited', code: failure.exitCode, reason: lowerFirst(failure.message) };
  if (condition(pod, 'Ready')?.status === 'True') return { state: 'running' };
  return { state: 'unknown', reason: `the notebook Pod is ${pod.status?.phase ?? 'Pending'} but not ready` };
}

/** `0/3 nodes are available: 2 Insufficient cpu, 1 Insufficient nvidia.com/gpu.` in plain words. */
export function unschedulableMessage(schedulerMessage: string): string {
  const short = [
    [/Insufficient cpu/i, 'CPU'],
    [/Insufficient memory/i, 'memory'],
    [/Insufficient nvidia\.com\/gpu/i, 'GPU'],
  ]
    .filter(([pattern]) => (pattern as RegExp).test(schedulerMessage))
    .map(([, name]) => name as string);
  const lead = short.length
    ? `No node has enough free ${short.join(' and ')} for this flavor`
    : 'No node can take the notebook now';
  return `${lead}${schedulerMessage ? ` (${schedulerMessage.trim().replace(/\.$/, '')})` : ''}.`;
}

function notebookStatus(pod: V1Pod): V1ContainerStatus | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.find((s) => s.name === NOTEBOOK_CONTAINER) ?? statuses[0];
}

function condition(pod: V1Pod, type: string) {
  return pod.status?.conditions?.find((c) => c.type === type);
}

function suffix(detail: string | undefined): string {
  return detail ? `: ${detail.trim()}` : '.';
}

export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
