/**
 * @module api/schemas/instance-schema
 * The Instance as it leaves the server: Tables 2–21 of the seed document, field by field, with the
 * seed's types. Every property is required (absent values are explicit `null`s) and the response
 * serializer emits nothing that is not declared here, so this schema is the allow-list.
 */
import { Type, type Static } from 'typebox';
import { INSTANCE_STATUSES } from '../../core/model/statuses.js';
import { Nullable, StringMap } from './common.js';

/** Table 21; values are masked on the way out. */
export const CredentialSchema = Type.Object({
  ssh_private_key: Nullable(Type.String()),
  access_token: Nullable(Type.String()),
});

/** Table 6. */
const DockerParams = Type.Object({
  namespace: Type.String(),
  image_name: Type.String(),
  image_tag: Type.String(),
  annotations: Nullable(StringMap),
});

/** Tables 3–5 (+ `provision.annotations`, present in the seed sample). */
export const ProfileSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  de_type: Type.String(),
  provision: Type.Object({
    type: Type.String(),
    spec: Type.Object({ engine: Type.String(), params: DockerParams }),
    annotations: Nullable(StringMap),
  }),
  labels: Nullable(StringMap),
  flavor_type: Type.String(),
});

/** Table 7. */
export const FlavorDetailsSchema = Type.Object({
  name: Type.String(),
  status: Type.Enum(['onSale', 'soldOut']),
  queuing_num: Nullable(Type.Integer()),
  queue_left_time: Nullable(Type.Integer()),
  storage_list: Type.Array(Type.String()),
  is_permitted: Type.Boolean(),
  type: Type.String(),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  promo_type: Type.String(),
  instance_num: Type.Integer(),
  duration: Type.Integer(),
  store_time: Type.Integer(),
  billing_flavor: Nullable(Type.String()),
  billing_params: Nullable(Type.Integer()),
});

/** Tables 8 and 10. */
export const PoolSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  owner: Nullable(Type.Object({ project_id: Type.String() })),
});

/** Tables 12 and 13 (+ `mount_path`, accepted on create). */
export const StorageSchema = Type.Object({
  type: Type.String(),
  location: Type.Object({
    path: Nullable(Type.String()),
    volume_size: Nullable(Type.Integer()),
    mount_path: Nullable(Type.String()),
  }),
});

/** Tables 19 and 20. */
export const RepositorySchema = Type.Object({
  id: Nullable(Type.String()),
  branch: Nullable(Type.String()),
  user_name: Nullable(Type.String()),
  user_email: Nullable(Type.String()),
  type: Nullable(Type.String()),
  connection_info: Nullable(
    Type.Object({
      protocol: Nullable(Type.String()),
      url: Nullable(Type.String()),
      credential: Nullable(CredentialSchema),
    }),
  ),
});

/** Table 14; `stop_timestamp` and `remain_time` are set only while the instance runs. */
export const AutoStopSchema = Type.Object({
  enable: Type.Boolean(),
  duration: Type.Integer(),
  prompt: Type.Boolean(),
  stop_timestamp: Nullable(Type.Integer()),
  remain_time: Nullable(Type.Integer()),
});

/** Table 15. */
export const FailedReasonsSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  detail: Nullable(StringMap),
});

/** Table 11 (+ `extend_storage`, present in the seed sample). */
export const SpecSchema = Type.Object({
  log_path: Nullable(Type.String()),
  custom_script_path: Nullable(Type.String()),
  storage: StorageSchema,
  extend_storage: Nullable(Type.Array(StorageSchema)),
  credential: Nullable(CredentialSchema),
  repository: Nullable(RepositorySchema),
  resource_reserved_timestamp: Nullable(Type.Integer()),
  auto_stop: AutoStopSchema,
  failed_reasons: Nullable(FailedReasonsSchema),
  annotations: StringMap,
  extend_params: Nullable(StringMap),
});

export const StatusSchema = Type.Enum(INSTANCE_STATUSES);

/** Table 17. */
export const QueuingInfoSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  de_type: Type.String(),
  flavor: Type.String(),
  flavor_details: FlavorDetailsSchema,
  status: Type.String(),
  begin_timestamp: Type.Integer(),
  remain_time: Type.Integer(),
  end_timestamp: Type.Integer(),
  rank: Type.Integer(),
});

/** Table 2. */
export const InstanceSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    status: StatusSchema,
    creation_timestamp: Type.String({ description: 'Epoch milliseconds as a string.' }),
    latest_update_timestamp: Type.String({ description: 'Epoch milliseconds as a string.' }),
    profile: ProfileSchema,
    flavor: Type.String(),
    flavor_details: FlavorDetailsSchema,
    spec: SpecSchema,
    workspace: Type.Object({ id: Type.String() }),
    pool: Nullable(PoolSchema),
    ai_project: Type.Object({ id: Type.String() }),
    error_code: Nullable(Type.String()),
    queuing_info: Nullable(QueuingInfoSchema),
    user: Type.Object({ id: Type.String(), name: Type.String() }),
  },
  { $id: 'Instance' },
);

export type InstanceBody = Static<typeof InstanceSchema>;
export type FlavorDetailsBody = Static<typeof FlavorDetailsSchema>;

export const InstanceListSchema = Type.Object({
  instances: Type.Array(InstanceSchema),
  total_count: Type.Integer(),
});

export const DeleteResultSchema = Type.Object({ instance_id: Type.String() });

export const ActionResultSchema = Type.Object({
  current_status: StatusSchema,
  previous_state: StatusSchema,
});

export const TokenResultSchema = Type.Object({ token: Type.String() });
