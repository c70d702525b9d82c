/**
 * @module test/deploy/kubernetes-schemas
 * Validates an object against the Kubernetes OpenAPI schema of its apiVersion and kind
 * (kubernetes-models). A kind without a schema here is an error, not a pass: adding an object to
 * the manifests means adding its model.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy, Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding, ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

interface Validating {
  validate(): void;
}

const MODELS: Record<string, new (data: never) => Validating> = Object.fromEntries(
  [
    Deployment,
    NetworkPolicy,
    Ingress,
    PodDisruptionBudget,
    Role,
    RoleBinding,
    ClusterRole,
    ClusterRoleBinding,
    ConfigMap,
    Namespace,
    Secret,
    Service,
    ServiceAccount,
  ].map((model) => [`${model.apiVersion} ${model.kind}`, model as unknown as new (data: never) => Validating]),
);

/** Throws with the schema's complaint, or when the apiVersion and kind have no schema here. */
export function validateAgainstSchema(object: Record<string, unknown>): void {
  const id = `${String(object.apiVersion)} ${String(object.kind)}`;
  const Model = MODELS[id];
  if (!Model) throw new Error(`no Kubernetes schema for ${id}`);
  new Model(object as never).validate();
}
