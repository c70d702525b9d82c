/**
 * @module client/log-follow
 * Following a log by asking for its tail again and again (the CLI's `--follow`, the console's live
 * log): what a later tail adds to an earlier one. The API answers lines, not offsets — a log is
 * rotated, and a Pod's log has none to give — so the two tails are lined up on the earlier one's
 * last lines. A line repeated verbatim at the seam may be taken for one already shown; a log that
 * moved on by more than a whole tail, or started again, is shown whole.
 */

/** The lines of `next` after those `previous` ended with; all of `next` when the two do not meet. */
export function linesAfter(previous: readonly string[], next: readonly string[]): string[] {
  if (previous.length === 0) return [...next];
  // The latest place in `next` where the end of `previous` ends too.
  for (let end = next.length; end > 0; end--) {
    const overlap = Math.min(end, previous.length);
    let meets = true;
    for (let i = 1; i <= overlap && meets; i++) meets = next[end - i] === previous[previous.length - i];
    if (meets) return next.slice(end);
  }
  return [...next];
}
