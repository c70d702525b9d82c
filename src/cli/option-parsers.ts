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
