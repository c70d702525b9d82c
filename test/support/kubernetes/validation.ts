/**
 * @module test/support/kubernetes/validation
 * The server-side checks a driver's manifests can fail on a real cluster (names, labels, resource
 * quantities), each as the 422 cause the API server gives, so such a mistake shows on the fake.
 */
import type { StatusCause } from './api-status.js';

export const required = (field: string, detail = ''): StatusCause => ({
  reason: 'FieldValueRequired',
  message: `Required value${detail ? `: ${detail}` : ''}`,
  field,
});

const invalidValue = (field: string, value: unknown, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  field,
});

export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Service names: RFC 1035 labels, which must start with a letter. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_PART = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function labelCauses(labels: Record<string, unknown> | undefined): StatusCause[] {
  return Object.entries(labels ?? {}).flatMap(([key, value]) => {
    const [prefix, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    const causes: StatusCause[] = [];
    if (
      !name ||
      name.length > 63 ||
      !LABEL_PART.test(name) ||
      (prefix !== undefined && (!DNS_SUBDOMAIN.test(prefix) || prefix.length > 253))
    ) {
      causes.push(
        invalidValue(
          'metadata.labels',
          key,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_PART.test(value)) {
      causes.push(
        invalidValue(
          'metadata.labels',
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
    return causes;
  });
}

/** Name (or generateName) and labels, as every kind checks them. */
export function metadataCauses(obj: any, pattern: RegExp, max: number): StatusCause[] {
  const name: unknown = obj.metadata?.name;
  const causes = labelCauses(obj.metadata?.labels);
  if (!name && !obj.metadata?.generateName)
    return [required('metadata.name', 'name or generateName is required'), ...causes];
  if (typeof name === 'string' && (!pattern.test(name) || name.length > max)) {
    causes.unshift(
      invalidValue(
        'metadata.name',
        name,
        `a lowercase RFC ${pattern === DNS_LABEL ? '1035 label' : '1123 subdomain'} must consist of lower case alphanumeric characters or '-'`,
      ),
    );
  }
  return causes;
}

/** A list that must not be empty, each item with the given fields set. */
export function requiredItems(items: any[] | undefined, field: string, itemFields: string[]): StatusCause[] {
  if (!items?.length) return [required(field)];
  return items.flatMap((item, i) => itemFields.filter((f) => !item?.[f]).map((f) => required(`${field}[${i}].${f}`)));
}

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource quantity ("500m", "2Gi", "1e3") as a number, or undefined when it is not one. */
export function parseQuantity(text: unknown): number | undefined {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(String(text));
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? Number(`1${m[2]}`) : SUFFIX[m[3] ?? '']!);
}

/** Every quantity must parse, and no request may exceed its limit. */
export function resourcesCauses(resources: any, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const kind of ['limits', 'requests'] as const) {
    for (const [name, value] of Object.entries(resources?.[kind] ?? {})) {
      if (parseQuantity(value) === undefined)
        causes.push(
          invalidValue(
            `${field}.${kind}[${name}]`,
            value,
            'must match the regex ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$',
          ),
        );
    }
  }
  for (const [name, value] of Object.entries(resources?.requests ?? {})) {
    const limit = resources?.limits?.[name];
    if (limit !== undefined && (parseQuantity(value) ?? 0) > (parseQuantity(limit) ?? Infinity)) {
      causes.push(invalidValue(`${field}.requests`, value, `must be less than or equal to ${name} limit of ${limit}`));
    }
  }
  return causes;
}
