/**
 * @module test/support/kubernetes/daemon-sets
 * apps/v1 DaemonSets as the API server stores them: defaults (generation, update strategy, history
 * limit, the Pod template's spec as a Pod's, an empty status) and the checks a client's manifest
 * fails on (a selector that does not select the template, a template Pod that may end, an update
 * of the selector). No controller runs: no Pods are made from them (the fake has no nodes to run
 * them on), so their status stays at zero.
 */
import type { StatusCause } from './api-status.js';
import { METADATA_FIELDS } from './field-selector.js';
import { podSpecDefaults, type ResourceKind } from './resource-kinds.js';
import { DNS_SUBDOMAIN, metadataCauses, required, requiredItems, resourcesCauses } from './validation.js';

/** Go's `%v` of a map, as the server's messages print the template labels. */
function goMap(labels: Record<string, string>): string {
  const entries = Object.entries(labels).map(([k, v]) => `"${k}":"${v}"`);
  return `map[string]string{${entries.join(', ')}}`;
}

function selectorCauses(ds: any): StatusCause[] {
  const selector = ds.spec?.selector;
  if (!selector || (!Object.keys(selector.matchLabels ?? {}).length && !selector.matchExpressions?.length))
    return [required('spec.selector')];
  const labels: Record<string, string> = ds.spec?.template?.metadata?.labels ?? {};
  const selects = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  if (selects) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
    },
  ];
}

function templateCauses(ds: any): StatusCause[] {
  const spec = ds.spec?.template?.spec;
  if (!spec) return [required('spec.template.spec.containers')];
  const causes = [
    ...requiredItems(spec.containers, 'spec.template.spec.containers', ['name', 'image']),
    ...(spec.initContainers ?? []).flatMap((c: any, i: number) =>
      !c?.name || !c?.image ? [required(`spec.template.spec.initContainers[${i}].${c?.name ? 'image' : 'name'}`)] : [],
    ),
    ...[...(spec.initContainers ?? []), ...(spec.containers ?? [])].flatMap((c: any, i: number) =>
      resourcesCauses(c?.resources, `spec.template.spec.containers[${i}].resources`),
    ),
  ];
  // A DaemonSet's Pods run for good: the server refuses any other restart policy.
  if (spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always')
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'spec.template.spec.restartPolicy',
      message: `Unsupported value: "${spec.restartPolicy}": supported values: "Always"`,
    });
  return causes;
}

export const daemonsets: ResourceKind = {
  kind: 'DaemonSet',
  apiVersion: 'apps/v1',
  listKind: 'DaemonSetList',
  fields: METADATA_FIELDS,
  defaults(ds) {
    ds.metadata.generation = 1;
    const template = ds.spec.template;
    ds.spec = {
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      ...ds.spec,
      template: {
        ...template,
        metadata: { creationTimestamp: null, ...template.metadata },
        spec: podSpecDefaults(template.spec),
      },
    };
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
  },
  validate(ds) {
    return [...metadataCauses(ds, DNS_SUBDOMAIN, 253), ...selectorCauses(ds), ...templateCauses(ds)];
  },
  updateCauses(current, next) {
    if (JSON.stringify(current.spec?.selector) === JSON.stringify(next.spec?.selector)) return [];
    return [{ reason: 'FieldValueInvalid', field: 'spec.selector', message: 'Invalid value: field is immutable' }];
  },
  returnsDeletedObject: false,
  gracefulDelete: false,
};
