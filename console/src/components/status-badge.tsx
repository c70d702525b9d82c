import type { InstanceStatus } from '../../../src/client/index.js';
import { isTransitional, statusLook } from '../statuses.js';

export function StatusBadge({ status }: { status: InstanceStatus }) {
  const { label, tone } = statusLook(status);
  return (
    <span class={`badge badge-${tone}${isTransitional(status) ? ' badge-moving' : ''}`} data-status={status}>
      {label}
    </span>
  );
}
