/**
 * @module runtime/kubernetes/kube-config
 * The client's cluster and credentials from the configured source: the Pod's service account
 * inside a cluster, a kubeconfig file, or the client's defaults (`$KUBECONFIG`, `~/.kube/config`).
 */
import { KubeConfig } from '@kubernetes/client-node';

/** Where the Kubernetes client finds its cluster and credentials (the configuration names one). */
export type KubeConfigSource = { from: 'in-cluster' } | { from: 'file'; path: string } | { from: 'default' };

export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (source.from === 'in-cluster') kubeConfig.loadFromCluster();
  else if (source.from === 'file') kubeConfig.loadFromFile(source.path);
  else kubeConfig.loadFromDefault();
  if (!kubeConfig.getCurrentCluster()) throw new Error('runtime.kubernetes: the kubeconfig names no current cluster');
  return kubeConfig;
}
