/**
 * @module client/flavor-words
 * A flavor in words: its size, and what its queue means for whoever waits in it. The same words in
 * the CLI (`demanager flavors`) and the web console (the create form, an instance waiting), so the
 * two never explain a flavor differently.
 */
import type { CatalogFlavor } from './types.js';

/** `8 CPU`, `1 GPU (v100)`, `64GiB`: the parts of a flavor's size its params give. */
export function sizeParts(params: CatalogFlavor['params']): string[] {
  const parts: string[] = [];
  if (params.CPU !== undefined) parts.push(`${params.CPU} CPU`);
  if (params.GPU !== undefined) parts.push(`${params.GPU} GPU${params.gpu_type ? ` (${params.gpu_type})` : ''}`);
  if (params.memory !== undefined) parts.push(String(params.memory));
  return parts;
}

export type QueueTerms = Pick<CatalogFlavor, 'queues' | 'queue_policy' | 'fair_window_days' | 'max_waiting_per_user'>;

/** `7 days`, `1 day`, `12 hours`: a fair window, in the unit people count it in. */
export function windowText(days: number): string {
  if (days < 1) {
    const hours = Math.round(days * 24 * 100) / 100;
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** `fair`, `first come, first served` or `no queue`: the policy in a few words. */
export function queuePolicyLabel(flavor: QueueTerms): string {
  if (!flavor.queues) return 'no queue';
  return flavor.queue_policy === 'fair'
    ? `fair over ${windowText(flavor.fair_window_days)}`
    : 'first come, first served';
}

/**
 * Who goes first when the flavor is full, and what a user may have waiting: a sentence or two.
 * Under `fair` the one who used the flavor least lately goes first, so a later arrival may start
 * before someone who came earlier but used it more; that is what a user needs to know to read their
 * place in line.
 */
export function whoGoesFirst(flavor: QueueTerms): string {
  if (!flavor.queues) return 'When it is full, a create or start fails at once instead of waiting for a slot.';
  const limit =
    flavor.max_waiting_per_user > 0
      ? ` At most ${flavor.max_waiting_per_user} of your instances may wait for it at once.`
      : '';
  if (flavor.queue_policy === 'fair')
    return (
      `When it is full, you wait in a fair queue: of those waiting, whoever used this flavor least over the last ` +
      `${windowText(flavor.fair_window_days)} goes first (ties go by arrival), so someone who used it less may ` +
      `start before you even if they came later.${limit}`
    );
  return `When it is full, you wait in line: first come, first served.${limit}`;
}
