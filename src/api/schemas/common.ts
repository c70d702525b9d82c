/**
 * @module api/schemas/common
 * Building blocks shared by every schema module.
 */
import { Type, type TSchema } from 'typebox';

/** A field that is always present and may be an explicit `null`. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const StringMap = Type.Record(Type.String(), Type.String());

export const ErrorBody = Type.Object(
  {
    error_code: Type.String({ description: 'ModelArts-style code, e.g. `ModelArts.6309`.' }),
    error_msg: Type.String({ description: 'Human-readable message (read by SDK clients).' }),
    error_message: Type.String({ description: 'The same message under the documented name.' }),
  },
  { $id: 'ErrorBody' },
);

/** The most items one page may ask for; a larger `limit` is 6336, as any out-of-range value. */
export const MAX_PAGE_LIMIT = 1000;

/** Paging parameters: bounded, so no value reaches the database as an out-of-range integer. */
export const PageOffset = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });
export const PageLimit = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_PAGE_LIMIT, description });
