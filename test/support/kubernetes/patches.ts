/**
 * @module test/support/kubernetes/patches
 * The PATCH bodies the server takes: JSON merge patch (RFC 7386), strategic merge patch treated as
 * a merge patch (lists are replaced whole — the fake knows no merge keys), and JSON patch
 * (RFC 6902: add, remove, replace, test), client-node's default patch type.
 */
import { badRequest, invalid, unsupportedMediaType } from './api-status.js';

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const unescapeToken = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

function jsonPatch(target: any, operations: unknown, kind: string, name: string): any {
  if (!Array.isArray(operations)) throw badRequest('json patch must be an array of operations');
  const doc = structuredClone(target);
  for (const op of operations) {
    const path: string[] = String(op?.path ?? '')
      .split('/')
      .slice(1)
      .map(unescapeToken);
    const last = path.pop();
    let parent: any = doc;
    for (const token of path) parent = parent?.[token];
    const fail = (message: string) =>
      invalid(kind, name, [{ reason: 'FieldValueInvalid', message, field: String(op?.path) }]);
    if (parent === null || typeof parent !== 'object' || last === undefined) throw fail('path does not exist');
    const index = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : last;
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(index as number, 0, op.value);
        else parent[last] = op.value;
        break;
      case 'replace':
        if (!(index in parent)) throw fail('replace operation does not apply: doc is missing key');
        parent[index] = op.value;
        break;
      case 'remove':
        if (!(index in parent)) throw fail('remove operation does not apply: doc is missing key');
        if (Array.isArray(parent)) parent.splice(index as number, 1);
        else delete parent[last];
        break;
      case 'test':
        if (JSON.stringify(parent[index]) !== JSON.stringify(op.value)) throw fail('testing value failed');
        break;
      default:
        throw badRequest(`unsupported json patch operation: ${String(op?.op)}`);
    }
  }
  return doc;
}

/** Applies a PATCH body of the given Content-Type to a copy of `target`. */
export function applyPatch(contentType: string, target: any, patch: unknown, kind: string, name: string): any {
  switch (contentType.split(';')[0]!.trim()) {
    case 'application/merge-patch+json':
    case 'application/strategic-merge-patch+json':
      return mergePatch(target, patch);
    case 'application/json-patch+json':
      return jsonPatch(target, patch, kind, name);
    default:
      throw unsupportedMediaType(contentType);
  }
}
