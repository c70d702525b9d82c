/**
 * @module runtime/kubernetes/resource-names
 * The names and labels of an instance's objects. Everything the driver knows of a workload is
 * derived from the instance id, so a restarted service (or another replica) finds the same Pod,
 * Service, Secret and claim by name, and every object of every instance by label. Every object also
 * carries the installation (the database) it belongs to: services of two databases sharing a
 * namespace, or one pointed at an empty database, never adopt, report or collect each other's.
 */

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'demanager';
export const INSTANCE_LABEL = 'demanager.io/instance';
export const PROJECT_LABEL = 'demanager.io/project';
/** The database the object's instance is kept in (Store.installationId), the same on every replica. */
export const INSTALLATION_LABEL = 'demanager.io/installation';
/** The exact instance id: a label value is cut to what labels accept, an annotation is not. */
export const INSTANCE_ANNOTATION = 'demanager.io/instance-id';
/** The run a Pod serves: its notebook token is derived from it, and the Secret holds that token. */
export const RUN_LABEL = 'demanager.io/run';
/** Nodes of a dedicated pool carry this label and taint with the pool id as value. */
export const POOL_KEY = 'demanager.io/pool';

/** Where an instance's objects are made, and the installation they belong to. */
export interface ObjectScope {
  namespace: string;
  installationId: string;
}

/** Selects every object this installation manages, and nothing else (not another installation's). */
export function managedSelector(installationId: string): string {
  return `${MANAGED_BY}=${MANAGER},${INSTALLATION_LABEL}=${labelValue(installationId)}`;
}

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
  return value
    .replace(/[^-A-Za-z0-9_.]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The metadata every object of the instance carries. */
export function instanceMetadata(
  instance: { id: string; projectId: string },
  name: string,
  scope: ObjectScope,
): ObjectMeta {
  return {
    name,
    namespace: scope.namespace,
    labels: {
      [MANAGED_BY]: MANAGER,
      [INSTALLATION_LABEL]: labelValue(scope.installationId),
      [INSTANCE_LABEL]: labelValue(instance.id),
      [PROJECT_LABEL]: labelValue(instance.projectId),
    },
    annotations: { [INSTANCE_ANNOTATION]: instance.id },
  };
}

/** The instance an object belongs to; undefined for objects this installation does not manage. */
export function instanceOf(
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined,
  installationId: string,
): string | undefined {
  if (metadata?.labels?.[MANAGED_BY] !== MANAGER || metadata.labels[INSTALLATION_LABEL] !== labelValue(installationId))
    return undefined;
  return metadata.annotations?.[INSTANCE_ANNOTATION] ?? metadata.labels[INSTANCE_LABEL];
}
