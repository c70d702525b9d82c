/**
 * @module console/latest-answer
 * Of several reads of one thing in flight (a choice changed, a refresh), only the last one asked
 * may show its answer: an earlier one that answers later would put older figures back.
 */
import { useRef } from 'preact/hooks';

/** `ask()` before each read; the function it answers says whether that read is still the latest. */
export function useLatestAnswer(): { ask(): () => boolean; forget(): void } {
  const asked = useRef(0);
  return {
    ask() {
      const mine = ++asked.current;
      return () => mine === asked.current;
    },
    // No read in flight may show its answer any more (the page is gone).
    forget() {
      asked.current++;
    },
  };
}
