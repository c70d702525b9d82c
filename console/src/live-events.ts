/**
 * @module console/live-events
 * One follow of the change stream per session, shared by whatever page is showing.
 */
import type { Instance, Session } from '../../src/client/index.js';
import { followInstances, type LiveState } from './live.js';

export interface LiveListener {
  changed?(instance: Instance): void;
  deleted?(id: string): void;
  resync?(): void;
}

export interface LiveEvents {
  subscribe(listener: LiveListener): () => void;
  close(): void;
}

export function liveEvents(session: Session, onState: (state: LiveState) => void): LiveEvents {
  const listeners = new Set<LiveListener>();
  const close = followInstances(session, {
    changed: (instance) => listeners.forEach((l) => l.changed?.(instance)),
    deleted: (id) => listeners.forEach((l) => l.deleted?.(id)),
    resync: () => listeners.forEach((l) => l.resync?.()),
    state: onState,
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close,
  };
}
