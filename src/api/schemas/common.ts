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
