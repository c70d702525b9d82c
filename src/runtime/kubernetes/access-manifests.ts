/**
 * @module runtime/kubernetes/access-manifests
 * How the proxy reaches a notebook: a Service in front of the instance's Pod (whatever run it
 * serves) and the Secret holding the run's private token. The endpoint is the Service's cluster
 * DNS name, stable across runs and replicas of this service.
 */
import type { V1Secret, V1Service } from '@kubernetes/client-node';
import type { Instance } from '../../core/model/instance.js';
import type { ClusterSettings } from './kubernetes-driver-options.js';
import {
  INSTALLATION_LABEL,
  INSTANCE_LABEL,
  instanceMetadata,
  labelValue,
  MANAGED_BY,
  MANAGER,
  RUN_LABEL,
  type ObjectScope,
  type ResourceNames,
} from './resource-names.js';
import { TOKEN_KEY } from './pod-manifest.js';

export function serviceManifest(
  instance: Pick<Instance, 'id' | 'projectId'>,
  names: ResourceNames,
  settings: ObjectScope & Pick<ClusterSettings, 'notebookPort'>,
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: instanceMetadata(instance, names.service, settings),
    spec: {
      type: 'ClusterIP',
      selector: {
        [MANAGED_BY]: MANAGER,
        [INSTALLATION_LABEL]: labelValue(settings.installationId),
        [INSTANCE_LABEL]: labelValue(instance.id),
      },
      ports: [{ name: 'notebook', port: settings.notebookPort, targetPort: settings.notebookPort, protocol: 'TCP' }],
    },
  };
}

/** The token of run `runId`; the run is also a label, so a Secret of an older run is told apart. */
export function secretManifest(
  instance: Pick<Instance, 'id' | 'projectId'>,
  names: ResourceNames,
  scope: ObjectScope,
  runId: string,
  token: string,
): V1Secret {
  const metadata = instanceMetadata(instance, names.secret, scope);
  metadata.labels[RUN_LABEL] = runId;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: 'Opaque',
    data: { [TOKEN_KEY]: Buffer.from(token).toString('base64') },
  };
}

export function endpointOf(
  names: ResourceNames,
  settings: Pick<ClusterSettings, 'namespace' | 'clusterDomain' | 'notebookPort'>,
): string {
  return `http://${names.service}.${settings.namespace}.svc.${settings.clusterDomain}:${settings.notebookPort}`;
}
