/**
 * @module api/schemas/request-schemas
 * What clients may send. These schemas check shape and types (ModelArts 6332/6335/6336); rules
 * that have their own ModelArts code (storage 6316–6318, flavors 6323–6331, names 6334, auto-stop
 * 6348/6349) are checked by the lifecycle service so that they answer with that code.
 */
import { Type, type Static } from 'typebox';
import { INSTANCE_ACTIONS, INSTANCE_STATUSES } from '../../core/model/statuses.js';
import { MAX_PAGE_LIMIT, Nullable, PageLimit, PageOffset, StringMap } from './common.js';

const Str = (options: { maxLength?: number; minLength?: number; description?: string } = {}) => Type.String(options);

const CredentialInput = Type.Object({
  ssh_private_key: Type.Optional(Nullable(Str())),
  access_token: Type.Optional(Nullable(Str())),
});

const StorageInput = Type.Object({
  type: Str({ description: '`obs`, `evs`, `efs` or `obsfs`, as the flavor allows.' }),
  location: Type.Optional(
    Nullable(
      Type.Object({
        path: Type.Optional(Nullable(Str({ maxLength: 1024 }))),
        volume_size: Type.Optional(Nullable(Type.Integer({ description: 'EVS size in GB (5–4096, default 5).' }))),
        mount_path: Type.Optional(Nullable(Str({ maxLength: 1024 }))),
      }),
    ),
  ),
});

export const AutoStopInput = Type.Object({
  enable: Type.Optional(Type.Boolean()),
  duration: Type.Optional(Nullable(Type.Integer({ description: 'Seconds, 3600–86400.' }))),
  prompt: Type.Optional(Type.Boolean()),
  stop_timestamp: Type.Optional(
    Nullable(
      Type.Integer({
        description: 'PUT only: renew a RUNNING instance by moving its deadline later (epoch ms, at most 24 h ahead).',
      }),
    ),
  ),
});

const RepositoryInput = Type.Object({
  id: Type.Optional(Nullable(Str())),
  branch: Type.Optional(Nullable(Str({ maxLength: 256 }))),
  user_name: Type.Optional(Nullable(Str({ maxLength: 256 }))),
  user_email: Type.Optional(Nullable(Str({ maxLength: 256 }))),
  type: Type.Optional(Nullable(Str())),
  connection_info: Type.Optional(
    Nullable(
      Type.Object({
        protocol: Type.Optional(Nullable(Str())),
        url: Type.Optional(Nullable(Str({ maxLength: 2048 }))),
        credential: Type.Optional(Nullable(CredentialInput)),
      }),
    ),
  ),
});

const IdRef = Type.Object({ id: Type.Optional(Nullable(Str({ maxLength: 128 }))) });

export const CreateInstanceBody = Type.Object({
  name: Str({ maxLength: 64, description: 'Letters, digits, `_` and `-`; unique in the project.' }),
  description: Type.Optional(Nullable(Str({ maxLength: 512 }))),
  profile_id: Str(),
  flavor: Str(),
  spec: Type.Object({
    storage: Type.Optional(Nullable(StorageInput)),
    auto_stop: Type.Optional(Nullable(AutoStopInput)),
    annotations: Type.Optional(Nullable(StringMap)),
    extend_storage: Type.Optional(Nullable(Type.Array(StorageInput, { maxItems: 16 }))),
    repository: Type.Optional(Nullable(RepositoryInput)),
    custom_script_path: Type.Optional(Nullable(Str({ maxLength: 1024 }))),
    log_path: Type.Optional(Nullable(Str({ maxLength: 1024 }))),
    extend_params: Type.Optional(Nullable(StringMap)),
    credential: Type.Optional(Nullable(CredentialInput)),
  }),
  workspace: Type.Optional(Nullable(IdRef)),
  pool: Type.Optional(
    Nullable(
      Type.Object({
        id: Type.Optional(Nullable(Str())),
        name: Type.Optional(Nullable(Str())),
        type: Type.Optional(Nullable(Str())),
        owner: Type.Optional(Nullable(Type.Object({ project_id: Type.Optional(Nullable(Str())) }))),
      }),
    ),
  ),
  ai_project: Type.Optional(Nullable(IdRef)),
});
export type CreateInstanceInput = Static<typeof CreateInstanceBody>;

export const ModifyInstanceBody = Type.Object({
  description: Type.Optional(Nullable(Str({ maxLength: 512 }))),
  flavor: Type.Optional(
    Nullable(Str({ description: 'New flavor of a STOPPED instance (the instance goes RESIZING).' })),
  ),
  spec: Type.Optional(Nullable(Type.Object({ auto_stop: Type.Optional(Nullable(AutoStopInput)) }))),
  auto_stop: Type.Optional(Nullable(AutoStopInput)),
});
export type ModifyInstanceInput = Static<typeof ModifyInstanceBody>;

export const ActionBody = Type.Object({
  action: Type.Enum(INSTANCE_ACTIONS),
});

export const InstanceParams = Type.Object({
  project_id: Str({ maxLength: 64 }),
  instance_id: Str({ maxLength: 128 }),
});

export const ProjectParams = Type.Object({ project_id: Str({ maxLength: 64 }) });

/** Detail and other single-instance GETs: clients add `de_type`, which is accepted and ignored. */
export const DetailQuery = Type.Object({ de_type: Type.Optional(Str()) });

export const ListQuery = Type.Object({
  de_type: Type.Enum(['Notebook']),
  provision_type: Type.Optional(Type.Enum(['Docker'])),
  status: Type.Optional(Type.Enum(INSTANCE_STATUSES)),
  sortby: Type.Optional(Str({ description: '`name` (default) or `creation_timestamp`.' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'])),
  offset: Type.Optional(PageOffset),
  limit: Type.Optional(PageLimit(`At most ${MAX_PAGE_LIMIT}; 0 (default) returns every match.`)),
  workspace_id: Type.Optional(Str()),
  show_self: Type.Optional(Str({ description: "`true` (default): only the caller's instances; case-insensitive." })),
  ai_project: Type.Optional(Str()),
  ai_project_id: Type.Optional(Str()),
  pool_id: Type.Optional(Str()),
  name: Type.Optional(
    Str({
      maxLength: 64,
      description:
        'Only instances whose name contains this, in any case (demanager extension, as ModelArts notebooks).',
    }),
  ),
});
export type ListQueryInput = Static<typeof ListQuery>;
