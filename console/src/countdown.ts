/**
 * @module console/countdown
 * Counting down what the API gives as seconds left (`remain_time`): from when the answer arrived,
 * on this browser's clock, so a server whose clock differs still counts down right.
 */
import { useEffect, useState } from 'preact/hooks';

const arrived = new WeakMap<object, number>();

/** Notes when `answer` arrived; answers it. */
export function stamp<T extends object>(answer: T): T {
  arrived.set(answer, Date.now());
  return answer;
}

/** Seconds left of `seconds` given in `answer`, at `now`; null when there is no count. */
export function secondsLeft(answer: object, seconds: number | null | undefined, now: number): number | null {
  if (seconds === null || seconds === undefined) return null;
  const at = arrived.get(answer) ?? now;
  return Math.max(0, seconds - (now - at) / 1000);
}

/** The current time, renewed every `everyMs`. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
