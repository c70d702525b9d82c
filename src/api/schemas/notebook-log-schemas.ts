/**
 * @module api/schemas/notebook-log-schemas
 * The notebook log (`GET …/instances/{id}/logs`, a demanager extension): the last lines the
 * notebook's server wrote, as JSON lines rather than text, so a client can tell "no log" from an
 * empty one and a follower can compare two answers line by line.
 */
import { Type } from 'typebox';
import { DEFAULT_LOG_TAIL, MAX_LOG_TAIL } from '../../core/model/notebook-log-limits.js';

export const LogQuery = Type.Object({
  tail: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_LOG_TAIL,
      description: `How many of the last lines to answer: 1 … ${MAX_LOG_TAIL}, default ${DEFAULT_LOG_TAIL}. Out of range or not an integer: 400 ModelArts.6336 / 6332.`,
    }),
  ),
});

export const NotebookLogSchema = Type.Object({
  lines: Type.Array(Type.String(), {
    description:
      'Oldest first, without line ends. Tokens are masked as `[redacted]`: the run’s own and every `token=` of a URL. Lines over 8 KiB are cut.',
  }),
  truncated: Type.Boolean({ description: 'Earlier lines exist than those answered.' }),
  available: Type.Boolean({
    description:
      'False where the runtime keeps no log for the instance: never started, a Kubernetes Pod that is gone (stopped), or the simulated runtime. `lines` is empty then.',
  }),
});
