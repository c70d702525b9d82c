/**
 * @module client/duration
 * A number of seconds as whole hours, minutes and seconds, for whoever prints one (the CLI, the
 * web console), each in its own words.
 */
export function durationParts(totalSeconds: number): { h: number; m: number; s: number } {
  const seconds = Math.max(0, Math.round(totalSeconds));
  return { h: Math.floor(seconds / 3600), m: Math.floor((seconds % 3600) / 60), s: seconds % 60 };
}
