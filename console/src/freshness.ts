/**
 * @module console/freshness
 * Answers and stream events race (a request's answer may arrive after the change that followed
 * it): of two views of one instance, the later written wins.
 */
import type { Instance } from '../../src/client/index.js';
import { stamp } from './countdown.js';

/** `incoming`, unless `current` is the same instance written later. */
export function newest(current: Instance | null | undefined, incoming: Instance): Instance {
  if (current?.id === incoming.id && Number(incoming.latest_update_timestamp) < Number(current.latest_update_timestamp))
    return current;
  return current === incoming ? current : stamp(incoming);
}
