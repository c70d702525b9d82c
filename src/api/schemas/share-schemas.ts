/**
 * @module api/schemas/share-schemas
 * Sharing a notebook (`…/instances/{instance_id}/shares`, a demanager extension): the grant body,
 * a share as answered, and the path of one share.
 */
import { Type } from 'typebox';
import { Nullable } from './common.js';

export const ShareBody = Type.Object({
  user_name: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: "A member of the instance's project, by name." }),
  ),
  user_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'The same, by id (one of the two).' }),
  ),
});

export const ShareSchema = Type.Object({
  user_id: Type.String(),
  user_name: Type.String(),
  granted_by: Type.String({ description: 'The id of the owner or admin who shared it.' }),
  granted_by_name: Nullable(Type.String({ description: 'Their name; null once that user is deleted.' })),
  granted_at: Type.Integer({ description: 'Epoch milliseconds.' }),
});

export const ShareListSchema = Type.Object({ shares: Type.Array(ShareSchema), total_count: Type.Integer() });

export const ShareParams = Type.Object({
  project_id: Type.String({ maxLength: 64 }),
  instance_id: Type.String({ maxLength: 128 }),
  user_id: Type.String({ maxLength: 64 }),
});

/** `…/shared-with-me`: what the caller may open by a share, so a console offers only that. */
export const SharedWithMeSchema = Type.Object({
  instance_ids: Type.Array(Type.String()),
  total_count: Type.Integer(),
});
