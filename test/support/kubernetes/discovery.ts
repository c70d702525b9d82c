/**
 * @module test/support/kubernetes/discovery
 * The discovery documents (`/version`, `/api`, `/api/v1`, `/apis`) generic clients read before
 * they call anything (client-node's KubernetesObjectApi, kubectl); only the core group is served.
 */
import { RESOURCE_KINDS, type ResourceName } from './resource-kinds.js';

const VERBS: Record<ResourceName, string[]> = {
  pods: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  services: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  secrets: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  persistentvolumeclaims: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  events: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
};

/** The discovery document at `path`, or undefined when the path is not a discovery one. */
export function discovery(path: string, server: string): unknown {
  switch (path) {
    case '/version':
      return {
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.0-fake',
        gitCommit: '',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.22.0',
        compiler: 'gc',
        platform: 'linux/amd64',
      };
    case '/api':
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: new URL(server).host }],
      };
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
    case '/api/v1':
      return {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: Object.entries(RESOURCE_KINDS).map(([name, kind]) => ({
          name,
          singularName: kind.kind.toLowerCase(),
          namespaced: true,
          kind: kind.kind,
          verbs: VERBS[name as ResourceName],
        })),
      };
    default:
      return undefined;
  }
}
