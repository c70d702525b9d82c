/**
 * @module cli/option-parsers
 * Option value parsers; a bad value becomes a commander usage error (exit 2).
 */
import { InvalidArgumentError } from '@commander-js/extra-typings';

export function integerOption(min = 0): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Not a whole number.');
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`Must be at least ${min}.`);
    return n;
  };
}

/** A number of hours (0 or more, decimals allowed), or `none` for no limit (null). */
export function hoursOption(value: string): number | null {
  if (value.trim() === 'none') return null;
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new InvalidArgumentError('Not a number of hours (or none).');
  return Number(value);
}
