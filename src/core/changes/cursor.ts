/**
 * @module core/changes/cursor
 * Where a change stream picks up again after its client went away. An event id is a time (epoch
 * ms, server clock) by which the stream had told every change it knew of; it is derived from
 * stored data only — each instance's `updatedAt` and the history's deletion entries — so any
 * replica, and a server restarted on the same database, can resume from an id another one gave.
 *
 * Resuming sends again whatever was written from `slackMs` before that time on. The slack
 * covers a write whose time was taken before the id but that committed (or, with several
 * replicas, was found by the poll) after it, and small differences between replicas' clocks,
 * which leases already require to agree within seconds. A repeat is harmless: an `instance`
 * event carries the whole instance, and a deletion told twice removes nothing more.
 */

/**
 * The slack for writes in flight and clock differences (what another replica wrote reaches this
 * one up to a scan later, which the caller adds). Generous: resending costs only bytes.
 */
export const RESUME_SLACK_MS = 10_000;

export interface ResumeRules {
  /** How far before the id a resume reads again. */
  slackMs: number;
  /** Ids older than this are answered with a reset: reading the list again costs no more. */
  horizonMs: number;
}

export type Resume =
  /** The client sent no id: it reads the list once itself. */
  | { kind: 'fresh'; cursor: number }
  /** Send every change written at or after `since`; later events carry ids from `cursor` on. */
  | { kind: 'resume'; since: number; cursor: number }
  /** The id cannot be resumed from: the client must read the list again. */
  | { kind: 'reset'; reason: string; cursor: number };

/** Up to 15 digits: any epoch-ms time until the year 33658, and never beyond exact integers. */
const ID_PATTERN = /^\d{1,15}$/;

export function formatCursor(ms: number): string {
  return String(Math.max(0, Math.floor(ms)));
}

/** What to do for a request that carried `lastEventId` (undefined or empty: none), at `now`. */
export function resumeFrom(lastEventId: string | undefined, now: number, rules: ResumeRules): Resume {
  if (lastEventId === undefined || lastEventId === '') return { kind: 'fresh', cursor: now };
  if (!ID_PATTERN.test(lastEventId)) return { kind: 'reset', reason: 'unknown event id', cursor: now };
  const at = Number(lastEventId);
  // From another clock or another server: nothing said that every change before it was told.
  if (at > now + rules.slackMs) return { kind: 'reset', reason: 'event id from the future', cursor: now };
  if (at < now - rules.horizonMs) return { kind: 'reset', reason: 'event id too old', cursor: now };
  return { kind: 'resume', since: at - rules.slackMs, cursor: at };
}
