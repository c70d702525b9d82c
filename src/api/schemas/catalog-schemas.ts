/**
 * @module api/schemas/catalog-schemas
 * The catalog as clients pick from it (demanager extensions): the profiles (images) an instance
 * can be made from, and the flavors (sizes) with their live Table 7 state for the caller — sold
 * out or on sale, permitted to the caller's project or not, the queue while sold out.
 */
import { Type } from 'typebox';
import { FlavorDetailsSchema, ProfileSchema } from './instance-schema.js';

const FlavorType = Type.Enum(['CPU', 'GPU']);

const { flavor_type: _instanceFlavorType, ...profileFields } = ProfileSchema.properties;

export const CatalogProfileSchema = Type.Object({
  ...profileFields,
  flavor_types: Type.Array(Type.String(), { description: 'The flavor types (`CPU`, `GPU`) the image runs on.' }),
});

export const ProfileListSchema = Type.Object({
  profiles: Type.Array(CatalogProfileSchema),
  total_count: Type.Integer(),
});

export const CatalogFlavorSchema = Type.Object({
  ...FlavorDetailsSchema.properties,
  capacity: Type.Integer({ description: 'Instances that may hold a slot at once; 0 for no limit.' }),
  queues: Type.Boolean({
    description: 'Whether a create or start that finds it sold out waits in line instead of failing (6329).',
  }),
  queue_policy: Type.Enum(['fifo', 'fair'], {
    description:
      'Who of those waiting goes first: `fifo` the first to arrive, `fair` the user with the least recent usage of it.',
  }),
  fair_window_days: Type.Number({
    description:
      'Days of usage a `fair` queue weighs: the user who used the flavor least over the last this many days goes first.',
  }),
  max_waiting_per_user: Type.Integer({
    description: 'Instances one user may have waiting for it at once (0113 beyond); 0 for no limit.',
  }),
});

export const FlavorListSchema = Type.Object({ flavors: Type.Array(CatalogFlavorSchema), total_count: Type.Integer() });

export const ProfileQuery = Type.Object({
  de_type: Type.Optional(Type.Enum(['Notebook'])),
  flavor_type: Type.Optional(FlavorType),
});

export const FlavorQuery = Type.Object({
  flavor_type: Type.Optional(FlavorType),
  profile_id: Type.Optional(
    Type.String({ maxLength: 256, description: 'Only the flavors this profile runs on (6336 for an unknown one).' }),
  ),
});
