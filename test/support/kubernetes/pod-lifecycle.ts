/**
 * @module test/support/kubernetes/pod-lifecycle
 * What the scheduler and the kubelet do next to one Pod, decided from the Pod as stored (level-
 * triggered, like the real components): schedule, pull, start, crash and back off, stop, remove.
 * Each call answers at most one step, so a test sees every intermediate status a cluster shows.
 */
import { timestamp, type ObjectStore } from './object-store.js';
import type { EventRecorder } from './event-recorder.js';
import {
  condition,
  containerId,
  imageId,
  setCondition,
  setReadiness,
  statusesIn,
  waitingStatus,
} from './pod-status.js';

export type InjectedFailure = 'unschedulable' | 'image-pull' | 'crash-loop' | 'oom';

export interface Step {
  /** Scheduling and volume binding go on while the kubelet is stopped; the kubelet's steps do not. */
  actor: 'control-plane' | 'kubelet';
  run(): void;
}

export interface PodContext {
  store: ObjectStore;
  events: EventRecorder;
  node: { name: string; ip: string };
  nodeCount: number;
  failure?: { kind: InjectedFailure; message?: string };
  maxRestarts: number;
  nextPodIP(): string;
}

const PULL_ERROR = (image: string) =>
  `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`;

/** The Secrets a Pod's volumes and environment name that do not exist (yet). */
function missingSecrets(pod: any, store: ObjectStore): string[] {
  const ns = pod.metadata.namespace;
  const names = new Set<string>();
  for (const v of pod.spec.volumes ?? [])
    if (v.secret?.secretName && !v.secret.optional) names.add(v.secret.secretName);
  for (const c of pod.spec.containers) {
    for (const e of c.env ?? [])
      if (e.valueFrom?.secretKeyRef?.name && !e.valueFrom.secretKeyRef.optional)
        names.add(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef?.name && !e.secretRef.optional) names.add(e.secretRef.name);
  }
  return [...names].filter((n) => !store.get('secrets', ns, n));
}

export const claimNames = (pod: any): string[] =>
  (pod.spec.volumes ?? []).map((v: any) => v.persistentVolumeClaim?.claimName).filter(Boolean);

function unschedulableMessage(pod: any, nodes: number): string {
  const wantsGpu = pod.spec.containers.some(
    (c: any) => c.resources?.limits?.['nvidia.com/gpu'] || c.resources?.requests?.['nvidia.com/gpu'],
  );
  const why = wantsGpu ? 'Insufficient nvidia.com/gpu' : 'Insufficient cpu';
  return `0/${nodes} nodes are available: ${nodes} ${why}. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;
}

function scheduleStep(pod: any, ctx: PodContext): Step | undefined {
  const { store, events } = ctx;
  const ns = pod.metadata.namespace;
  const missingClaim = claimNames(pod).find((n) => !store.get('persistentvolumeclaims', ns, n));
  const unbound = claimNames(pod).some((n) => store.get('persistentvolumeclaims', ns, n)?.status?.phase !== 'Bound');
  let failure: string | undefined;
  if (missingClaim)
    failure = `0/${ctx.nodeCount} nodes are available: persistentvolumeclaim "${missingClaim}" not found. preemption: 0/${ctx.nodeCount} nodes are available: ${ctx.nodeCount} Preemption is not helpful for scheduling.`;
  else if (ctx.failure?.kind === 'unschedulable')
    failure = ctx.failure.message ?? unschedulableMessage(pod, ctx.nodeCount);
  else if (unbound) return undefined; // the binder is about to bind it
  const run = failure
    ? () => {
        const marked = store.mutate('pods', ns, pod.metadata.name, (p) =>
          setCondition(p, 'PodScheduled', 'False', timestamp(store.now()), 'Unschedulable', failure),
        );
        if (marked)
          events.scheduler(marked, {
            type: 'Warning',
            reason: 'FailedScheduling',
            message: failure!,
            action: 'Scheduling',
          });
      }
    : () => {
        const bound = store.mutate('pods', ns, pod.metadata.name, (p) => {
          p.spec.nodeName = ctx.node.name;
          setCondition(p, 'PodScheduled', 'True', timestamp(store.now()));
        });
        const message = `Successfully assigned ${ns}/${pod.metadata.name} to ${ctx.node.name}`;
        if (bound) events.scheduler(bound, { type: 'Normal', reason: 'Scheduled', message, action: 'Binding' });
      };
  // The scheduler says a Pod does not fit once, then waits for the cluster to change.
  if (failure && condition(pod, 'PodScheduled')?.message === failure) return undefined;
  return { actor: 'control-plane', run };
}

/** The kubelet's next step for a Pod on its node. */
function kubeletStep(pod: any, ctx: PodContext): Step | undefined {
  const { store, events, node } = ctx;
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  const now = () => timestamp(store.now());
  const update = (change: (p: any) => void) => store.mutate('pods', ns, name, change);
  const step = (run: () => void): Step => ({ actor: 'kubelet', run });
  const emit = (p: any, type: 'Normal' | 'Warning', reason: string, message: string, container?: string) =>
    events.kubelet(p, node.name, {
      type,
      reason,
      message,
      ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
    });
  const statuses: any[] = pod.status.containerStatuses ?? [];
  const containers: any[] = pod.spec.containers;

  if (pod.metadata.deletionTimestamp) {
    const running = statusesIn(pod, 'running');
    if (!running.length) return step(() => store.remove('pods', ns, name));
    return step(() => {
      for (const s of running) emit(pod, 'Normal', 'Killing', `Stopping container ${s.name}`, s.name);
      update((p) => {
        for (const s of statusesIn(p, 'running')) {
          // A notebook server stops cleanly on SIGTERM within the grace period.
          s.state = {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: s.state.running.startedAt,
              finishedAt: now(),
              containerID: s.containerID,
            },
          };
          Object.assign(s, { ready: false, started: false });
        }
        setReadiness(p, false, now());
      });
    });
  }

  if (!statuses.length) {
    return step(() => {
      const started = update((p) => {
        Object.assign(p.status, { hostIP: node.ip, hostIPs: [{ ip: node.ip }], startTime: now() });
        setCondition(p, 'PodReadyToStartContainers', 'True', now());
        setCondition(p, 'Initialized', 'True', now());
        p.status.containerStatuses = containers.map((c) => waitingStatus(c, 'ContainerCreating'));
        setReadiness(p, false, now());
      });
      for (const c of containers) emit(started, 'Normal', 'Pulling', `Pulling image "${c.image}"`, c.name);
    });
  }

  const missing = missingSecrets(pod, store);
  const creating = statuses.filter((s) =>
    ['ContainerCreating', 'CreateContainerConfigError'].includes(s.state.waiting?.reason),
  );
  if (creating.length && missing.length) {
    const message = `secret "${missing[0]}" not found`;
    if (creating.every((s) => s.state.waiting.message === message)) return undefined;
    return step(() => {
      const blocked = update((p) => {
        for (const s of p.status.containerStatuses)
          s.state = { waiting: { reason: 'CreateContainerConfigError', message } };
      });
      for (const s of creating) emit(blocked, 'Warning', 'Failed', `Error: ${message}`, s.name);
    });
  }

  const backedOff = statuses.filter((s) => s.state.waiting?.reason === 'ImagePullBackOff');
  if (creating.length || (backedOff.length && ctx.failure?.kind !== 'image-pull')) {
    if (ctx.failure?.kind === 'image-pull') {
      return step(() => {
        for (const c of containers) {
          emit(pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${PULL_ERROR(c.image)}`, c.name);
          emit(pod, 'Warning', 'Failed', 'Error: ErrImagePull', c.name);
        }
        update((p) => {
          p.status.containerStatuses = containers.map((c) => waitingStatus(c, 'ErrImagePull', PULL_ERROR(c.image)));
        });
      });
    }
    return step(() => startContainers(pod, ctx, false));
  }

  const pullErrors = statuses.filter((s) => s.state.waiting?.reason === 'ErrImagePull');
  if (pullErrors.length) {
    return step(() => {
      for (const s of pullErrors) {
        emit(pod, 'Normal', 'BackOff', `Back-off pulling image "${s.image}"`, s.name);
        emit(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', s.name);
      }
      update((p) => {
        for (const s of p.status.containerStatuses) {
          if (s.state.waiting?.reason === 'ErrImagePull') {
            s.state = {
              waiting: {
                reason: 'ImagePullBackOff',
                message: `Back-off pulling image "${s.image}": ErrImagePull: ${PULL_ERROR(s.image)}`,
              },
            };
          }
        }
      });
    });
  }

  const crash = ctx.failure?.kind === 'crash-loop' || ctx.failure?.kind === 'oom' ? ctx.failure.kind : undefined;
  const running = statuses.filter((s) => s.state.running);
  if (running.length && crash) {
    return step(() => {
      update((p) => {
        for (const s of p.status.containerStatuses) {
          if (!s.state.running) continue;
          const [exitCode, reason] = crash === 'oom' ? [137, 'OOMKilled'] : [1, 'Error'];
          s.state = {
            terminated: {
              exitCode,
              reason,
              startedAt: s.state.running.startedAt,
              finishedAt: now(),
              containerID: s.containerID,
            },
          };
          Object.assign(s, { ready: false, started: false });
        }
        if (p.spec.restartPolicy === 'Never') p.status.phase = 'Failed';
        setReadiness(p, false, now());
      });
    });
  }

  if (pod.spec.restartPolicy === 'Never' || pod.status.phase === 'Failed') return undefined;
  const exited = statuses.filter(
    (s) => s.state.terminated && !(pod.spec.restartPolicy === 'OnFailure' && s.state.terminated.exitCode === 0),
  );
  if (exited.length) {
    return step(() => {
      const waiting = update((p) => {
        for (const s of p.status.containerStatuses) {
          if (!s.state.terminated) continue;
          const message = `back-off 10s restarting failed container=${s.name} pod=${name}_${ns}(${pod.metadata.uid})`;
          Object.assign(s, {
            lastState: { terminated: s.state.terminated },
            state: { waiting: { reason: 'CrashLoopBackOff', message } },
          });
        }
      });
      for (const s of exited)
        emit(
          waiting,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${s.name} in pod ${name}_${ns}(${pod.metadata.uid})`,
          s.name,
        );
    });
  }
  const backingOff = statuses.filter((s) => s.state.waiting?.reason === 'CrashLoopBackOff');
  if (backingOff.length && backingOff.every((s) => s.restartCount < ctx.maxRestarts))
    return step(() => startContainers(pod, ctx, true));
  return undefined;
}

/** Pulls (or finds) the images and starts every container; the Pod turns Running and Ready. */
function startContainers(pod: any, ctx: PodContext, restart: boolean): void {
  const { store, events, node } = ctx;
  const now = timestamp(store.now());
  for (const c of pod.spec.containers) {
    const fieldPath = `spec.containers{${c.name}}`;
    const pulled = restart
      ? `Container image "${c.image}" already present on machine`
      : `Successfully pulled image "${c.image}" in 812ms (812ms including waiting). Image size: 152643072 bytes.`;
    events.kubelet(pod, node.name, { type: 'Normal', reason: 'Pulled', message: pulled, fieldPath });
    events.kubelet(pod, node.name, {
      type: 'Normal',
      reason: 'Created',
      message: `Created container: ${c.name}`,
      fieldPath,
    });
    events.kubelet(pod, node.name, {
      type: 'Normal',
      reason: 'Started',
      message: `Started container ${c.name}`,
      fieldPath,
    });
  }
  store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
    p.status.containerStatuses = p.spec.containers.map((c: any) => {
      const before = p.status.containerStatuses.find((s: any) => s.name === c.name);
      const restartCount = restart ? before.restartCount + 1 : 0;
      return {
        ...before,
        state: { running: { startedAt: now } },
        ready: true,
        started: true,
        restartCount,
        imageID: imageId(c.image),
        containerID: containerId(p, c.name, restartCount),
      };
    });
    if (!p.status.podIP) {
      const ip = ctx.nextPodIP();
      Object.assign(p.status, { podIP: ip, podIPs: [{ ip }] });
    }
    p.status.phase = 'Running';
    setReadiness(p, true, now);
  });
}

export function nextPodStep(pod: any, ctx: PodContext): Step | undefined {
  if (!pod.spec.nodeName) return pod.metadata.deletionTimestamp ? undefined : scheduleStep(pod, ctx);
  return kubeletStep(pod, ctx);
}
