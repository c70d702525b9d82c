/**
 * @module test/support/kubernetes/resource-kinds
 * The core/v1 kinds (and apps/v1 DaemonSets) the fake serves and what the real API server does to each on the way in:
 * defaulting (what `kubectl get -o json` shows that nobody wrote), validation (422 causes), and
 * how a DELETE behaves. Only the fields a driver could read or trip over are modelled.
 */
import type { StatusCause } from './api-status.js';
import { daemonsets } from './daemon-sets.js';
import { METADATA_FIELDS, type SelectableFields } from './field-selector.js';
import {
  DNS_LABEL,
  DNS_SUBDOMAIN,
  metadataCauses,
  parseQuantity,
  required,
  requiredItems,
  resourcesCauses,
} from './validation.js';

export type ResourceName = 'pods' | 'services' | 'secrets' | 'persistentvolumeclaims' | 'events' | 'daemonsets';

export interface CreateContext {
  allocateClusterIP(): string;
}

export interface ResourceKind {
  kind: string;
  /** `v1` for the core group (`/api/v1`), `<group>/<version>` for the others (`/apis/apps/v1`). */
  apiVersion: string;
  listKind: string;
  fields: SelectableFields;
  /** Fills what the server defaults on create (spec defaults, initial status, finalizers). */
  defaults(obj: any, ctx: CreateContext): void;
  validate(obj: any): StatusCause[];
  /** What an update may not change (Pod specs, a Service's clusterIP). */
  updateCauses?(current: any, next: any): StatusCause[];
  /** A DELETE answers the deleted object (else a Success Status, as for Secrets). */
  returnsDeletedObject: boolean;
  /** Pods end through the kubelet once they are on a node, not at once. */
  gracefulDelete: boolean;
}

/** Equal as JSON, whatever the order of keys (clients serialize in their own order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([k1], [k2]) => (k1 < k2 ? -1 : 1))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function qosClass(containers: any[]): string {
  const resources = containers.map((c) => c.resources ?? {});
  if (resources.every((r) => !Object.keys(r.requests ?? {}).length && !Object.keys(r.limits ?? {}).length))
    return 'BestEffort';
  const guaranteed = resources.every((r) =>
    ['cpu', 'memory'].every(
      (res) =>
        r.limits?.[res] !== undefined &&
        parseQuantity(r.requests?.[res] ?? r.limits[res]) === parseQuantity(r.limits[res]),
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What the server fills in a Pod spec (a Pod's, or a controller's Pod template's). */
export function podSpecDefaults(spec: any): any {
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    // Limits without requests default the requests to the limits, as the server does.
    if (c.resources?.limits) c.resources.requests = { ...c.resources.limits, ...c.resources.requests };
    Object.assign(c, {
      imagePullPolicy: c.imagePullPolicy ?? (/:latest$|^[^:]*$/.test(c.image) ? 'Always' : 'IfNotPresent'),
      resources: c.resources ?? {},
      terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
      terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    });
  }
  return {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    serviceAccount: spec.serviceAccountName ?? 'default',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    priority: 0,
    preemptionPolicy: 'PreemptLowerPriority',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    ...spec,
  };
}

const pods: ResourceKind = {
  kind: 'Pod',
  apiVersion: 'v1',
  listKind: 'PodList',
  fields: {
    ...METADATA_FIELDS,
    'spec.nodeName': (o) => o.spec?.nodeName,
    'spec.restartPolicy': (o) => o.spec?.restartPolicy,
    'spec.schedulerName': (o) => o.spec?.schedulerName,
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName,
    'status.phase': (o) => o.status?.phase,
    'status.podIP': (o) => o.status?.podIP,
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName,
  },
  defaults(pod) {
    const spec = pod.spec;
    pod.spec = podSpecDefaults(spec);
    pod.status = { phase: 'Pending', qosClass: qosClass(spec.containers) };
  },
  validate(pod) {
    const containers: any[] = pod.spec?.containers ?? [];
    return [
      ...metadataCauses(pod, DNS_SUBDOMAIN, 253),
      ...requiredItems(containers, 'spec.containers', ['name', 'image']),
      ...containers.flatMap((c, i) => resourcesCauses(c?.resources, `spec.containers[${i}].resources`)),
    ];
  },
  updateCauses(current, next) {
    // Only images, the deadline, the grace period and added tolerations may change in a Pod's spec.
    const mutable = (spec: any) => ({
      ...spec,
      containers: spec?.containers?.map((c: any) => ({ ...c, image: undefined })),
      activeDeadlineSeconds: undefined,
      terminationGracePeriodSeconds: undefined,
      tolerations: undefined,
    });
    if (sameJson(mutable(current.spec), mutable(next.spec))) return [];
    return [
      {
        reason: 'FieldValueForbidden',
        field: 'spec',
        message:
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      },
    ];
  },
  returnsDeletedObject: true,
  gracefulDelete: true,
};

const services: ResourceKind = {
  kind: 'Service',
  apiVersion: 'v1',
  listKind: 'ServiceList',
  fields: { ...METADATA_FIELDS, 'spec.clusterIP': (o) => o.spec?.clusterIP, 'spec.type': (o) => o.spec?.type },
  defaults(svc, ctx) {
    const ip = svc.spec.clusterIP ?? ctx.allocateClusterIP();
    svc.spec = {
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ...svc.spec,
      clusterIP: ip,
      clusterIPs: [ip],
      ports: svc.spec.ports.map((p: any) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
    };
    svc.status = { loadBalancer: {} };
  },
  validate(svc) {
    return [...metadataCauses(svc, DNS_LABEL, 63), ...requiredItems(svc.spec?.ports, 'spec.ports', ['port'])];
  },
  updateCauses(current, next) {
    const ip = next.spec?.clusterIP;
    if (ip === undefined || ip === current.spec.clusterIP) return [];
    return [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.clusterIPs[0]',
        message: `Invalid value: []string{"${ip}"}: may not change once set`,
      },
    ];
  },
  returnsDeletedObject: true,
  gracefulDelete: false,
};

const secrets: ResourceKind = {
  kind: 'Secret',
  apiVersion: 'v1',
  listKind: 'SecretList',
  fields: { ...METADATA_FIELDS, type: (o) => o.type },
  defaults(secret) {
    // stringData is write-only: the server folds it into data and never returns it.
    const { stringData, ...rest } = secret;
    const data = { ...rest.data };
    for (const [k, v] of Object.entries(stringData ?? {})) data[k] = Buffer.from(String(v)).toString('base64');
    Object.assign(secret, { ...rest, type: rest.type ?? 'Opaque', data });
    delete secret.stringData;
  },
  validate: (secret) => metadataCauses(secret, DNS_SUBDOMAIN, 253),
  returnsDeletedObject: false,
  gracefulDelete: false,
};

const persistentvolumeclaims: ResourceKind = {
  kind: 'PersistentVolumeClaim',
  apiVersion: 'v1',
  listKind: 'PersistentVolumeClaimList',
  fields: METADATA_FIELDS,
  defaults(pvc) {
    pvc.metadata.finalizers = [...new Set([...(pvc.metadata.finalizers ?? []), 'kubernetes.io/pvc-protection'])];
    pvc.spec = { storageClassName: 'standard', volumeMode: 'Filesystem', ...pvc.spec };
    pvc.status = { phase: 'Pending' };
  },
  validate(pvc) {
    const causes = metadataCauses(pvc, DNS_SUBDOMAIN, 253);
    if (!pvc.spec?.accessModes?.length) causes.push(required('spec.accessModes'));
    if (!pvc.spec?.resources?.requests?.storage) causes.push(required('spec.resources[storage]'));
    else causes.push(...resourcesCauses(pvc.spec.resources, 'spec.resources'));
    return causes;
  },
  returnsDeletedObject: false,
  gracefulDelete: false,
};

const events: ResourceKind = {
  kind: 'Event',
  apiVersion: 'v1',
  listKind: 'EventList',
  fields: {
    ...METADATA_FIELDS,
    ...Object.fromEntries(
      ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [
        `involvedObject.${f}`,
        (o: any) => o.involvedObject?.[f],
      ]),
    ),
    reason: (o) => o.reason,
    reportingComponent: (o) => o.reportingComponent,
    source: (o) => o.source?.component,
    type: (o) => o.type,
  },
  defaults() {},
  validate(event) {
    const causes = metadataCauses(event, DNS_SUBDOMAIN, 253);
    if (!event.involvedObject?.name && !event.involvedObject?.kind) causes.push(required('involvedObject'));
    return causes;
  },
  returnsDeletedObject: false,
  gracefulDelete: false,
};

export const RESOURCE_KINDS: Record<ResourceName, ResourceKind> = {
  pods,
  services,
  secrets,
  persistentvolumeclaims,
  events,
  daemonsets,
};

export function isResourceName(name: string): name is ResourceName {
  return Object.hasOwn(RESOURCE_KINDS, name);
}
