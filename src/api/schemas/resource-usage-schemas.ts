/**
 * @module api/schemas/resource-usage-schemas
 * A running notebook's CPU and memory use against its flavor's limits (`GET …/instances/{id}/usage`,
 * a demanager extension). Every figure is null where the runtime cannot tell.
 */
import { Type } from 'typebox';
import { Nullable } from './common.js';

export const ResourceUsageSchema = Type.Object({
  available: Type.Boolean({
    description:
      'False where the runtime cannot measure the notebook (not RUNNING, no control groups, the Kubernetes or simulated runtime): every figure is null then.',
  }),
  cpu_cores: Nullable(
    Type.Number({ description: 'CPU cores in use, averaged since the previous reading (at least 0.25 s).' }),
  ),
  cpu_limit_cores: Nullable(Type.Number({ description: "The flavor's CPU limit; null: none." })),
  memory_bytes: Nullable(Type.Integer({ description: 'Memory in use, page cache included (as the limit counts it).' })),
  memory_limit_bytes: Nullable(Type.Integer({ description: "The flavor's memory limit; null: none." })),
  timestamp: Type.Integer({ description: 'When it was measured, epoch milliseconds.' }),
});
