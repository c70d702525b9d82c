/**
 * @module console/flavor-terms
 * What choosing a flavor commits one to, said under the create form's choice: how many of its
 * notebooks may run at once, and when it is full, whether one waits and who of those waiting goes
 * first (the client's words, which the CLI prints too).
 */
import { type CatalogFlavor, whoGoesFirst } from '../../src/client/index.js';

export function flavorTerms(flavor: CatalogFlavor): string {
  const capacity =
    flavor.capacity === 0
      ? 'Any number of notebooks of this size may run at once.'
      : `${flavor.capacity} notebook${flavor.capacity === 1 ? '' : 's'} of this size may run at once.`;
  return `${capacity} ${whoGoesFirst(flavor)}`;
}
