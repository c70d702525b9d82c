/**
 * @module api/schemas/event-schema
 * An instance's history (`GET …/instances/{id}/events`, a demanager extension): every accepted
 * request and every transition, oldest first.
 */
import { Type } from 'typebox';
import { MAX_PAGE_LIMIT, Nullable, PageLimit, PageOffset, StringMap } from './common.js';
import { StatusSchema } from './instance-schema.js';

export const EventSchema = Type.Object({
  seq: Type.Integer({ description: 'Increases in write order.' }),
  timestamp: Type.Integer({ description: 'Epoch milliseconds.' }),
  kind: Type.String({
    description:
      "`create`, `start`, `stop`, `restart`, `queue`, `dequeue`, `delete`, `modify`, `resize`, `renew`, `transition`, `admit`, `auto-stop`, `budget-warning` (its project's or owner's budget is 80 % used, or runs out in 10 minutes), `budget-stop`, `idle-stop`, `notebook-quit` (its user quit the notebook from inside, with Jupyter's Quit), `reservation-expired`, `retention`, `fault`, `progress`, `out-of-memory` (a process of the running notebook was stopped at its flavor's memory limit) or `isolation` (a notebook started before isolation still runs with the service's rights).",
  }),
  from_status: Nullable(StatusSchema),
  to_status: Nullable(StatusSchema),
  by: Type.String({ description: 'The user id, or `system` for automatic actions.' }),
  replica: Type.String({ description: 'The server process that recorded it.' }),
  detail: Nullable(StringMap),
});

export const EventListSchema = Type.Object({ events: Type.Array(EventSchema), total_count: Type.Integer() });

export const EventQuery = Type.Object({
  offset: Type.Optional(PageOffset),
  limit: Type.Optional(PageLimit(`At most ${MAX_PAGE_LIMIT}; default 100.`)),
});
