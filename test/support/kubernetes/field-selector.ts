/**
 * @module test/support/kubernetes/field-selector
 * Field selectors (`metadata.name=x,status.phase!=Running`): only the fields the real server
 * indexes for each kind are accepted, anything else is the same 400 a cluster answers.
 */
import { badRequest } from './api-status.js';

/** The selectable fields of one kind, each read from an object. */
export type SelectableFields = Record<string, (obj: any) => unknown>;

export function fieldSelector(selector: string | null | undefined, fields: SelectableFields): (obj: any) => boolean {
  const terms = (selector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((term) => {
      const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
      if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      const read = fields[field];
      if (!read) throw badRequest(`field label not supported: ${field}`);
      const equal = (obj: any) => String(read(obj) ?? '') === value;
      return op === '!=' ? (obj: any) => !equal(obj) : equal;
    });
  return (obj) => terms.every((t) => t(obj));
}

/** metadata.name and metadata.namespace are selectable on every kind. */
export const METADATA_FIELDS: SelectableFields = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace,
};
