/**
 * @module runtime/kubernetes/resource-names
 * The names and labels of an instance's objects. Everything the driver knows of a workload is
 * derived from the instance id, so a restarted service (or another replica) finds the same Pod,
 * Service, Secret and claim by name, and every object of every instance by label.
 */

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'demanager';
export const INSTANCE_LABEL = 'demanager.io/instance';
export const PROJECT_LABEL = 'demanager.io/project';
/** The exact instance id: a label value is cut to what labels accept, an annotation is not. */
export const INSTANCE_ANNOTATION = 'demanager.io/instance-id';
/** The run a Pod serves: its notebook token is derived from it, and the Secret holds that token. */
export const RUN_LABEL = 'demanager.io/run';
/** Nodes of a dedicated pool carry this label and taint with the pool id as value. */
export const POOL_KEY = 'demanager.io/pool';

/** Selects every object this service manages, and nothing else. */
export const MANAGED_SELECTOR = `${MANAGED_BY}=${MANAGER}`;

export interface ResourceNames {
  pod: string;
  /** DNS-1035 (starts with a letter), as Services require. */
  service: string;
  secret: string;
  claim: string;
}

/** `DE-<uuid>` → `nb-de-<uuid>`: lower case, at most 55 characters, so each suffix keeps it under 63. */
export function resourceNames(instanceId: string): ResourceNames {
  const base = `nb-${instanceId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 55).replace(/-+$/, '');
  return { pod: base, service: base, secret: `${base}-token`, claim: `${base}-work` };
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A value Kubernetes accepts as a label value; anything else is cut to what it accepts. */
export function labelValue(value: string): string {
  if (value.length <= 63 && LABEL_VALUE.test(value)) return value;
  return value.replace(/[^-A-Za-z0-9_.]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The metadata every object of the instance carries. */
export function instanceMetadata(instance: { id: string; projectId: string }, name: string, namespace: string): ObjectMeta {
  return {
    name,
    namespace,
    labels: { [MANAGED_BY]: MANAGER, [INSTANCE_LABEL]: labelValue(instance.id), [PROJECT_LABEL]: labelValue(instance.projectId) },
    annotations: { [INSTANCE_ANNOTATION]: instance.id },
  };
}

/** The instance an object belongs to; undefined for objects this service does not manage. */
export function instanceOf(metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined): string | undefined {
  if (metadata?.labels?.[MANAGED_BY] !== MANAGER) return undefined;
  return metadata.annotations?.[INSTANCE_ANNOTATION] ?? metadata.labels[INSTANCE_LABEL];
}
