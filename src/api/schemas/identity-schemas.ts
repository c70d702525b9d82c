/**
 * @module api/schemas/identity-schemas
 * Keystone v3 shapes for login and for the user, project and role administration endpoints.
 */
import { Type } from 'typebox';

const Named = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });

export const LoginBody = Type.Object({
  auth: Type.Object({
    identity: Type.Object({
      methods: Type.Array(Type.String(), { minItems: 1 }),
      password: Type.Object({
        user: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ maxLength: 1024 }),
          domain: Type.Optional(Named),
        }),
      }),
    }),
    scope: Type.Optional(
      Type.Object({
        project: Type.Optional(
          Type.Object({
            id: Type.Optional(Type.String()),
            name: Type.Optional(Type.String()),
            domain: Type.Optional(Named),
          }),
        ),
      }),
    ),
  }),
});

const Ref = Type.Object({ id: Type.String(), name: Type.String() });
const Domain = Ref;

export const TokenBody = Type.Object({
  token: Type.Object({
    expires_at: Type.String(),
    issued_at: Type.String(),
    methods: Type.Array(Type.String()),
    user: Type.Object({
      id: Type.String(),
      name: Type.String(),
      domain: Domain,
      is_system_admin: Type.Optional(
        Type.Boolean({ description: 'demanager: whether the user may use the administration API.' }),
      ),
    }),
    project: Type.Object({ id: Type.String(), name: Type.String(), domain: Domain }),
    roles: Type.Array(Ref),
    catalog: Type.Array(
      Type.Object({
        type: Type.String(),
        id: Type.String(),
        name: Type.String(),
        endpoints: Type.Array(
          Type.Object({
            id: Type.String(),
            interface: Type.String(),
            region: Type.String(),
            region_id: Type.String(),
            url: Type.String(),
          }),
        ),
      }),
    ),
  }),
});

export const UserSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  domain_id: Type.String(),
  enabled: Type.Boolean(),
  is_system_admin: Type.Boolean(),
});

export const ProjectSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  domain_id: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
});

export const RoleSchema = Ref;

export const RoleAssignmentSchema = Type.Object({
  role: Ref,
  user: Type.Object({ id: Type.String() }),
  scope: Type.Object({ project: Type.Object({ id: Type.String() }) }),
});

export const CreateUserBody = Type.Object({
  user: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    domain_id: Type.Optional(Type.String({ maxLength: 64 })),
    enabled: Type.Optional(Type.Boolean()),
    is_system_admin: Type.Optional(Type.Boolean()),
  }),
});

export const UpdateUserBody = Type.Object({
  user: Type.Object({
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    enabled: Type.Optional(Type.Boolean()),
    is_system_admin: Type.Optional(Type.Boolean()),
  }),
});

export const CreateProjectBody = Type.Object({
  project: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 512 })),
    domain_id: Type.Optional(Type.String({ maxLength: 64 })),
  }),
});

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const RoleParams = Type.Object({
  project_id: Type.String({ maxLength: 64 }),
  user_id: Type.String({ maxLength: 64 }),
  role_id: Type.Enum(['admin', 'member']),
});

export const AssignmentQuery = Type.Object({
  'scope.project.id': Type.Optional(Type.String()),
  'user.id': Type.Optional(Type.String()),
});

/**
 * demanager: the console's cookie session (api/cookie-session). `cookie` says whether the console
 * signs in with the cookie here; `token` (the Keystone token body, no token in it) is there while
 * signed in, with the `csrf_token` to send in `X-Demanager-CSRF`.
 */
export const SessionBody = Type.Object({
  session: Type.Object({
    cookie: Type.Boolean(),
    csrf_token: Type.Optional(Type.String()),
  }),
  token: Type.Optional(TokenBody.properties.token),
});
