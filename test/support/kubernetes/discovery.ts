/**
 * @module test/support/kubernetes/discovery
 * The discovery documents (`/version`, `/api`, `/api/v1`, `/apis`) generic clients read before
 * they call anything (client-node's KubernetesObjectApi, kubectl): the core group and apps/v1.
 */
import { RESOURCE_KINDS, type ResourceName } from './resource-kinds.js';

const VERBS: Record<ResourceName, string[]> = {
  pods: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  services: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  secrets: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  persistentvolumeclaims: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  events: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  daemonsets: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
};

/** The APIResourceList of one group version (`v1` for the core group). */
function resourceList(groupVersion: string): unknown {
  return {
    kind: 'APIResourceList',
    // The core group's list names no apiVersion; the named groups' lists do.
    ...(groupVersion === 'v1' ? {} : { apiVersion: 'v1' }),
    groupVersion,
    resources: Object.entries(RESOURCE_KINDS)
      .filter(([, kind]) => kind.apiVersion === groupVersion)
      .map(([name, kind]) => ({
        name,
        singularName: kind.kind.toLowerCase(),
        namespaced: true,
        kind: kind.kind,
        verbs: VERBS[name as ResourceName],
      })),
  };
}

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
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          {
            name: 'apps',
            versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
          },
        ],
      };
    case '/api/v1':
      return resourceList('v1');
    case '/apis/apps/v1':
      return resourceList('apps/v1');
    default:
      return undefined;
  }
}
