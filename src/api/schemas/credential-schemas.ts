/**
 * @module api/schemas/credential-schemas
 * Huawei IAM's permanent access keys (`/v3.0/OS-CREDENTIAL/credentials`): the create body and the
 * credential as answered. The secret key appears in the create answer only.
 */
import { Type } from 'typebox';

export const CreateCredentialBody = Type.Object({
  credential: Type.Object({
    user_id: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 255 })),
  }),
});

const credentialFields = {
  access: Type.String({ description: 'The access key (AK): 20 upper-case letters and digits.' }),
  user_id: Type.String(),
  status: Type.Literal('active'),
  create_time: Type.String({ description: 'Keystone time, e.g. `2026-01-01T00:00:00.000000Z`.' }),
  description: Type.String(),
};

export const CredentialSchema = Type.Object({
  ...credentialFields,
  last_use_time: Type.Optional(
    Type.String({ description: 'When a request with a valid signature by the key last arrived (to the minute).' }),
  ),
});

export const CreatedCredentialSchema = Type.Object({
  ...credentialFields,
  secret: Type.String({ description: 'The secret key (SK); returned here only, once.' }),
});

export const CredentialParams = Type.Object({ access_key: Type.String({ maxLength: 64 }) });

export const CredentialQuery = Type.Object({
  user_id: Type.Optional(Type.String({ maxLength: 64, description: "Whose keys; the caller's when absent." })),
});
