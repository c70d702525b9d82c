/**
 * @module api/schemas/bucket-schemas
 * The obs bucket administration shapes (`/v3/buckets`, core/model/obs-buckets), in the Keystone
 * style of the user and project ones: one resource wrapped in its name.
 */
import { Type } from 'typebox';

export const BucketSchema = Type.Object({
  name: Type.String({ description: 'The first segment of an obs path (`/name/dir/`).' }),
  project_id: Type.String({ description: 'The project that holds it.' }),
  claimed_at: Type.Integer({ description: 'When it was claimed or last assigned, epoch ms.' }),
  assigned_by: Type.Union([Type.String(), Type.Null()], {
    description: 'The system admin who assigned it; null when a create claimed it.',
  }),
  instances: Type.Integer({ description: 'Instances (of any project) whose storage lies in it.' }),
});

export const BucketParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) });

export const AssignBucketBody = Type.Object({
  bucket: Type.Object({ project_id: Type.String({ minLength: 1, maxLength: 64 }) }),
});
