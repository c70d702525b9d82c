/**
 * @module api/schemas/audit-schema
 * A project's audit trail (`GET /v1/{project_id}/demanager/audit`, a demanager extension): the API
 * calls that asked for a change, granted or refused, and the service's automatic actions.
 */
import { Type } from 'typebox';
import { Nullable, StringMap } from './common.js';

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer({ description: 'Increases in write order within its origin.' }),
  timestamp: Type.Integer({ description: 'Epoch milliseconds.' }),
  origin: Type.Union([Type.Literal('api'), Type.Literal('system')], {
    description: '`api` for a call, `system` for an automatic action.',
  }),
  user_id: Nullable(
    Type.String({
      description: 'Who called; null for automatic actions and calls refused before the caller was known.',
    }),
  ),
  user_name: Nullable(Type.String()),
  action: Type.String({
    description:
      'Method and route (`POST /v1/{project_id}/demanager/instances`; `GET /notebook/{instance_id}/` when a notebook link was opened, `detail.as` saying as whom), or the automatic action (`auto-stop`, `budget-stop`, `idle-stop`, `notebook-quit`, `admit`, `reservation-expired`, `retention`, `fault`).',
  }),
  target: Nullable(Type.String({ description: 'The instance, user, project or key concerned.' })),
  source: Type.String({ description: "The caller's address; empty for automatic actions." }),
  status: Type.Integer({ description: 'The HTTP status of the answer; 0 for automatic actions.' }),
  outcome: Type.String({ description: '`success`, or the error code the caller got.' }),
  replica: Type.String({ description: 'The server process that recorded it.' }),
  detail: Nullable(StringMap),
});

export const AuditListSchema = Type.Object({ entries: Type.Array(AuditEntrySchema), total_count: Type.Integer() });

export const AuditQuery = Type.Object({
  since: Type.Optional(Type.Integer({ minimum: 0, description: 'Only entries at or after this time (epoch ms).' })),
  until: Type.Optional(Type.Integer({ minimum: 0, description: 'Only entries before this time (epoch ms).' })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100.' })),
});
