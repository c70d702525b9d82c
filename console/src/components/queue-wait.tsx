import type { Instance } from '../../../src/client/index.js';
import { secondsLeft } from '../countdown.js';
import { formatDuration } from '../format.js';

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

/** The time left before auto-stop, counting down; `—` when the instance is not running. */
export function AutoStopLeft({ instance, now }: { instance: Instance; now: number }) {
  const left = secondsLeft(instance, instance.spec.auto_stop.remain_time, now);
  if (left === null) return <span class="muted">{instance.spec.auto_stop.enable ? 'on' : 'off'}</span>;
  return (
    <span class={left < 15 * 60 ? 'soon' : undefined} data-testid="auto-stop-left">
      {formatDuration(left)}
    </span>
  );
}
