/**
 * @module test/support/kubernetes/label-selector
 * The label selector grammar of the API server (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, comma = and), so list and watch filter exactly as a cluster does.
 */
import { badRequest } from './api-status.js';

export type Labels = Record<string, string> | undefined;
type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside a `( … )` value set. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?`;

function parseRequirement(text: string): Requirement {
  let m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(text);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()));
    if ([...values].some((v) => !new RegExp(`^${VALUE}$`).test(v))) throw unparsable(text);
    return op === 'in' ? (l) => key in l && values.has(l[key]!) : (l) => !(key in l) || !values.has(l[key]!);
  }
  m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(text);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = new RegExp(`^(!?)\\s*(${KEY})$`).exec(text);
  if (m) {
    const [, not, key] = m as unknown as [string, string, string];
    return not ? (l) => !(key in l) : (l) => key in l;
  }
  throw unparsable(text);
}

const unparsable = (text: string) =>
  badRequest(`unable to parse requirement: found '${text}', expected: a valid label selector`);

/** Compiles a selector; throws a 400 Status for one the server would reject. */
export function labelSelector(selector: string | null | undefined): (labels: Labels) => boolean {
  const requirements = splitTopLevel(selector ?? '').map(parseRequirement);
  return (labels) => requirements.every((r) => r(labels ?? {}));
}
