/**
 * @module test/support/kubernetes/kubeconfig-file
 * A kubeconfig file for the fake cluster, as an operator writes one for the service
 * (`runtime.kubernetes.kubeconfig`): the service loads it the way it loads a real one.
 */
import { writeFileSync } from 'node:fs';

/** Writes a kubeconfig for `server` (plain http, so TLS verification is "skipped") to `path`. */
export function writeKubeconfig(path: string, server: string): void {
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: fake, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: fake, user: {token: fake-token}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: fake}}]',
      'current-context: fake',
    ].join('\n'),
  );
}
