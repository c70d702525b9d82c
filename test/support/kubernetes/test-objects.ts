/**
 * @module test/support/kubernetes/test-objects
 * Small manifests the fake cluster's own tests create: a one-container notebook Pod, optionally
 * with a claim and a Secret it depends on.
 */
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';

export function podBody(name: string, labels: Record<string, string> = {}, extra: Partial<V1Pod['spec']> = {}): V1Pod {
  return {
    metadata: { name, labels },
    spec: { containers: [{ name: 'notebook', image: 'registry.example/ai/notebook:1.0' }], ...extra },
  };
}

/** A Pod that mounts `claim` and reads its token from Secret `secret`. */
export function podWithStorage(name: string, claim: string, secret: string): V1Pod {
  return podBody(
    name,
    { app: 'nb' },
    {
      volumes: [{ name: 'work', persistentVolumeClaim: { claimName: claim } }],
      containers: [
        {
          name: 'notebook',
          image: 'registry.example/ai/notebook:1.0',
          resources: { limits: { cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '1' } },
          env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: secret, key: 'token' } } }],
          volumeMounts: [{ name: 'work', mountPath: '/home/ma-user/work' }],
        },
      ],
    },
  );
}

export function claimBody(name: string, size = '5Gi'): V1PersistentVolumeClaim {
  return { metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } };
}
