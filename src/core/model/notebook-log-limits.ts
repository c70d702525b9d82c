/**
 * @module core/model/notebook-log-limits
 * How many lines of the notebook log one request answers (core/instances/notebook-log), apart from
 * the service that reads it so that the API's schema, and through it the client's types, take them
 * without loading the service.
 */

/** Lines answered when the caller names no number. */
export const DEFAULT_LOG_TAIL = 100;
/** The most lines one request may ask for: a follower asks again, it never needs the whole log. */
export const MAX_LOG_TAIL = 1000;
