/**
 * @module console/page-props
 * What a page of the signed-in console that follows the change stream is given.
 */
import type { LiveEvents } from './live-events.js';
import type { ConsoleSession } from './session.js';

export interface LivePageProps {
  console: ConsoleSession;
  live: LiveEvents;
  /** Told every failure, so that one of an ended session signs out. */
  onFailure(error: unknown): void;
}
