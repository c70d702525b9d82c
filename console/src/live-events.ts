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
    changed: (instance) => {
      for (const l of listeners) l.changed?.(instance);
    },
    deleted: (id) => {
      for (const l of listeners) l.deleted?.(id);
    },
    resync: () => {
      for (const l of listeners) l.resync?.();
    },
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
