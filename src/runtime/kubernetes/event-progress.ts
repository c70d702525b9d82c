/**
 * @module runtime/kubernetes/event-progress
 * Kubernetes Events about an instance's Pod as start-progress messages: what the scheduler, the
 * kubelet and the image puller say while a notebook starts ("pulling image …", "no node has room
 * …"), in the words the owner reads in the instance's history.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import { lowerFirst, unschedulableMessage } from './pod-status.js';

/** Identifies one occurrence: a repeated Event keeps its name and counts up. */
export function occurrenceOf(event: CoreV1Event): string {
  return `${event.metadata?.name ?? ''}#${event.count ?? event.series?.count ?? 1}`;
}

/** Whether the Event is about the Pod with this uid (a Pod of the same name from an older run is not). */
export function concernsPod(event: CoreV1Event, pod: { name: string; uid: string | undefined }): boolean {
  const target = event.involvedObject;
  return target.kind === 'Pod' && target.name === pod.name && (!pod.uid || !target.uid || target.uid === pod.uid);
}

export function progressMessage(event: CoreV1Event): string | null {
  const message = (event.message ?? '').trim();
  switch (event.reason) {
    case 'Scheduled':
      return `placed on a node: ${message}`;
    case 'FailedScheduling':
      return `waiting for a node: ${unschedulableMessage(message)}`;
    case 'Pulling':
    case 'Pulled':
    case 'Created':
    case 'Started':
      return lowerFirst(message) || event.reason.toLowerCase();
    case 'Killing':
      return null;
    default:
      if (!event.reason && !message) return null;
      return `${event.type === 'Warning' ? 'warning: ' : ''}${event.reason ?? 'event'}: ${message}`;
  }
}
