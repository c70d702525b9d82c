/**
 * @module console/create-checks
 * The create form's rules that the console checks before it sends anything (the API's rules of
 * the same name, spec "Create body"), said in the words a person uses. Checking here finds every
 * problem at once, where the API stops at the first; the API's refusals of the same rules are
 * worded by these functions too (console/api-errors), so a problem reads the same either way.
 */
import { characterInWords } from './character-names.js';

export const NAME_MAX = 64;
export const VOLUME_GB = { min: 5, max: 4096 } as const;
const NAME_CHAR = /[A-Za-z0-9_-]/;

/** What is wrong with `name` as typed, or null. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'Enter a name.';
  if (name.trim().length === 0) return 'Enter a name: it holds only white space.';
  // Told, never cut: a name is created as typed or not at all.
  if (name.length > NAME_MAX) return `The name may be at most ${NAME_MAX} characters; this one has ${name.length}.`;
  const bad = [...name].find((ch) => !NAME_CHAR.test(ch));
  if (bad !== undefined) return `The name may not contain ${characterInWords(bad)}. Use letters, digits, _ and -.`;
  return null;
}

/** The words for a volume size outside `min`–`max` GB. */
export function volumeSizeMessage(min: number = VOLUME_GB.min, max: number = VOLUME_GB.max): string {
  return `Enter a volume size from ${min} to ${max} GB, in whole GB.`;
}

/** What is wrong with the volume size as typed (GB), or null. */
export function volumeSizeProblem(text: string): string | null {
  const size = Number(text.trim());
  return text.trim() && Number.isInteger(size) && size >= VOLUME_GB.min && size <= VOLUME_GB.max
    ? null
    : volumeSizeMessage();
}

export const OBS_PATH_MISSING = 'Enter an OBS path, for example /bucket/work/.';
export const OBS_PATH_END = 'End the path with /, for example /bucket/work/.';

/** What is wrong with an OBS path as typed, or null; the finer rules are the API's. */
export function obsPathProblem(path: string): string | null {
  if (!path.trim()) return OBS_PATH_MISSING;
  if (!path.trim().endsWith('/')) return OBS_PATH_END;
  return null;
}
