/**
 * @module test/support/notification-bound
 * How long another process's change may take to reach this one where nothing waits for it to be
 * heard: the database's notification arrives at most two heartbeat intervals after the commit
 * (store/postgres/postgres-foreign-writes), usually at once. A call through another replica's API
 * waits until it is heard (api/heard-everywhere), but a WebSocket already open is closed by the
 * identity watch, which acts on the notification, and a command writing SQL waits for nothing.
 */
import { FOREIGN_WRITES_HEARTBEAT_MS } from '../../src/store/postgres/postgres-foreign-writes.js';

export const NOTIFIED_MS = 2 * FOREIGN_WRITES_HEARTBEAT_MS;
