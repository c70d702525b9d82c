import type { Instance } from '../../../src/client/index.js';
import { secondsLeft } from '../countdown.js';
import { formatDuration } from '../format.js';

export const NOT_COUNTING = 'starts counting when it runs';

/** `#2 in line · about 14 min`, for an instance waiting in its flavor's queue. */
export function QueueWait({ instance, now }: { instance: Instance; now: number }) {
  const info = instance.queuing_info;
  if (!info) return <span class="muted">—</span>;
  const left = secondsLeft(instance, info.remain_time, now) ?? 0;
  return (
    <span class="queue" data-rank={info.rank}>
      #{info.rank} in line · {left > 0 ? `about ${formatDuration(left)}` : 'any moment'}
    </span>
  );
}

/**
 * The time left before auto-stop, counting down; `off` without auto-stop, and `—` while the
 * instance does not run (the count starts with each run).
 */
export function AutoStopLeft({ instance, now }: { instance: Instance; now: number }) {
  const left = secondsLeft(instance, instance.spec.auto_stop.remain_time, now);
  if (!instance.spec.auto_stop.enable) return <span class="muted">off</span>;
  if (left === null)
    return (
      <span class="muted" title={NOT_COUNTING}>
        —<span class="visually-hidden"> ({NOT_COUNTING})</span>
      </span>
    );
  return (
    <span class={left < 15 * 60 ? 'soon' : undefined} data-testid="auto-stop-left">
      {formatDuration(left)}
    </span>
  );
}
