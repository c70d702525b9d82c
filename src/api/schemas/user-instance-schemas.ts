/**
 * @module api/schemas/user-instance-schemas
 * One user's instances across projects, for system admins (`/v3/users/{id}/instances`, a demanager
 * extension): an instance as listed there, the path of one, and the action body (stop only).
 */
import { Type } from 'typebox';
import { StatusSchema } from './instance-schema.js';

export const UserInstanceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: StatusSchema,
  flavor: Type.String(),
  project_id: Type.String(),
  project_name: Type.String(),
  creation_timestamp: Type.String({ description: 'Epoch milliseconds, as a string (as the instance detail).' }),
});

export const UserInstanceListSchema = Type.Object({
  instances: Type.Array(UserInstanceSchema),
  total_count: Type.Integer(),
});

export const UserInstanceParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  instance_id: Type.String({ maxLength: 128 }),
});

export const UserInstanceActionBody = Type.Object({
  action: Type.Enum(['stop'], { description: 'Only stop: starting is the owner’s choice.' }),
});
