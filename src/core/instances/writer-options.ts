/**
 * @module core/instances/writer-options
 * What every part that writes instances is built from (the lifecycle service, the queue, the
 * reconciler, the scheduled jobs): each takes one options object that extends these, so a new
 * collaborator is a named field rather than one more position to get wrong.
 */
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../ports/store.js';

export interface WriterOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** This server process's id, written into every history entry the part records. */
  replica: string;
}
