/**
 * @module test/support/kubernetes/pod-status
 * Builders for the parts of a Pod's status the kubelet and scheduler write (conditions, container
 * states), so every step of the fake kubelet writes them in the one shape the real API has.
 */
import { createHash } from 'node:crypto';

export type ConditionType = 'PodScheduled' | 'Initialized' | 'PodReadyToStartContainers' | 'ContainersReady' | 'Ready';

/** Sets a condition; its lastTransitionTime only moves when its status does, as on a cluster. */
export function setCondition(
  pod: any,
  type: ConditionType,
  status: 'True' | 'False',
  now: string,
  reason?: string,
  message?: string,
): void {
  const conditions: any[] = (pod.status.conditions ??= []);
  const existing = conditions.find((c) => c.type === type);
  const condition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: existing?.status === status ? existing.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
  if (existing) conditions.splice(conditions.indexOf(existing), 1, condition);
  else conditions.push(condition);
}

export function condition(pod: any, type: ConditionType): any {
  return pod.status?.conditions?.find((c: any) => c.type === type);
}

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** A containerd id that changes with every restart of the container. */
export const containerId = (pod: any, container: string, restart: number) =>
  `containerd://${hex(`${pod.metadata.uid}/${container}/${restart}`)}`;

export const imageId = (image: string) =>
  `${image.includes('/') ? '' : 'docker.io/library/'}${image.split(':')[0]}@sha256:${hex(image)}`;

/** A fresh status for a container that is not running yet. */
export function waitingStatus(container: any, reason: string, message?: string): any {
  return {
    name: container.name,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: {},
    ready: false,
    restartCount: 0,
    image: container.image,
    imageID: '',
    started: false,
  };
}

/** The container statuses whose containers are in `state` (running, waiting, terminated). */
export const statusesIn = (pod: any, state: string): any[] =>
  (pod.status?.containerStatuses ?? []).filter((s: any) => s.state?.[state]);

/** Marks the Pod ready or not, with the reasons a real kubelet gives. */
export function setReadiness(pod: any, ready: boolean, now: string): void {
  const notReady = (pod.status.containerStatuses ?? []).filter((s: any) => !s.ready).map((s: any) => s.name);
  const message = ready ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
  setCondition(
    pod,
    'ContainersReady',
    ready ? 'True' : 'False',
    now,
    ready ? undefined : 'ContainersNotReady',
    message,
  );
  setCondition(pod, 'Ready', ready ? 'True' : 'False', now, ready ? undefined : 'ContainersNotReady', message);
}
