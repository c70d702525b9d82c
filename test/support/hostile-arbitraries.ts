/**
 * @module test/support/hostile-arbitraries
 * fast-check generators of what a hostile client sends: path segments (dot segments, encoded
 * slashes and NUL, broken percent-escapes, invalid UTF-8, very long, unicode), query strings
 * (prototype keys, huge and non-numeric numbers), header values (anything Node lets onto the
 * wire), and bodies (arbitrary JSON, wrong types, huge strings, deep nesting, `__proto__` and
 * `constructor` keys, invalid UTF-8, non-JSON content types).
 */
import fc from 'fast-check';

/** Every byte of the UTF-8 text outside `A-Za-z0-9-_.~` as `%XX`. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /^[A-Za-z0-9\-_.~]$/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A string Node writes as a header value (no CR, LF or other controls but tab; Latin-1 allowed). */
export const headerValue = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
    .map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

/** A path segment (or several) as it goes on the request line. */
export const hostileSegment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2E%2F..%2F',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    'a%00b',
    '%2F',
    '%5C',
    '..\\..\\',
    '%',
    '%zz',
    '%e0%80',
    '%ff%fe',
    '%C0%AF',
    '%E2%80%AE',
    '\xff\xfe',
    '\xc3\x28',
    '~root',
    'DE-00000000-0000-0000-0000-000000000000',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '%25%32%65',
    "'%20OR%201=1--",
    '$%7Bjndi%7D',
    '%7B%7B7*7%7D%7D',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(percentEncode),
  fc.string({ unit: 'binary', maxLength: 12 }).map(percentEncode),
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
  fc.integer({ min: 200, max: 4000 }).map((n) => 'a'.repeat(n)),
);

/** Mostly leaves a finished path alone; else dot segments, doubled or trailing slashes, a junk tail. */
export const pathMangle = fc.oneof(
  { weight: 6, arbitrary: fc.constant((p: string) => p) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<(path: string) => string>(
      (p) => `${p}/`,
      (p) => `${p}/..`,
      (p) => `${p}/./`,
      (p) => `${p}/%2e%2e/%2e%2e/etc/passwd`,
      (p) => p.replace(/\//g, '//'),
      (p) => `/..${p}`,
      (p) => p.replace(/[a-z]+/g, (s) => s.toUpperCase()),
      (p) => `${p}%00`,
      (p) => `${p};x=1`,
    ),
  },
);

const queryKey = fc.oneof(
  fc.constantFrom(
    'de_type',
    'limit',
    'offset',
    'sortby',
    'order',
    'status',
    'show_self',
    'workspace_id',
    'ai_project',
    'ai_project_id',
    'pool_id',
    'user_id',
    'scope.project.id',
    'user.id',
    'token',
    '__proto__',
    'constructor',
    '__proto__[polluted]',
    'constructor[prototype][polluted]',
    'a[b][c]',
    '',
  ),
  fc.string({ maxLength: 10 }).map(percentEncode),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    'Notebook',
    'notebook',
    '-1',
    '0',
    '1e309',
    'NaN',
    'Infinity',
    '99999999999999999999',
    '0x10',
    'true',
    'True',
    'name',
    'desc',
    'RUNNING',
    '',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(percentEncode),
  fc.string({ unit: 'binary', maxLength: 10 }).map(percentEncode),
  fc.constantFrom('%', '%zz', '%ff', '%00', '[]', '{}', '&&', '=='),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => 'q'.repeat(n)),
);
/** `?k=v&…`, sometimes with the `de_type=Notebook` the list needs to get past validation. */
export const hostileQuery = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 5 }))
  .map(([listable, pairs]) => {
    const parts = [...(listable ? ['de_type=Notebook'] : []), ...pairs.map(([k, v, bare]) => (bare ? k : `${k}=${v}`))];
    return parts.length ? `?${parts.join('&')}` : '';
  });

const POLLUTION = { polluted: 'yes', isSystemAdmin: true, is_system_admin: true, roles: ['admin'] };
const pollute = (value: Record<string, unknown>) =>
  JSON.stringify(value)
    .replace(
      /^\{/,
      `{"__proto__":${JSON.stringify(POLLUTION)},"constructor":{"prototype":${JSON.stringify(POLLUTION)}},`,
    )
    .replace(/,\}$/, '}');

/** Bodies the routes expect, to be combined with hostile keys and junk values. */
const PLAUSIBLE: Record<string, unknown>[] = [
  { action: 'stop' },
  { action: 'restart' },
  { action: 'STOP' },
  { description: 'hostile', auto_stop: { enable: true, duration: 3600 } },
  { spec: { auto_stop: { enable: false } } },
  {
    name: 'hostile-nb',
    profile_id: 'Multi-Engine 1.0 (python3)-cpu',
    flavor: 'modelarts.vm.cpu.2u',
    spec: { storage: { type: 'evs' } },
  },
  {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'admin', password: 'wrong', domain: { name: 'default' } } },
      },
    },
  },
  { user: { name: 'hostile-user', password: 'hostile-password-1' } },
  { project: { name: 'hostile-project' } },
  { credential: { user_id: 'nobody' } },
];

/** A value of any JSON type, for a field that expects another. */
export const junk = fc.oneof(
  fc.constant(null),
  fc.constantFrom('nul\u0000inside', { 'k\u0000': 'v' }),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

function deepNesting(depth: number, object: boolean, poison: boolean): string {
  const inner = poison ? '{"__proto__":{"polluted":"yes"}}' : '1';
  return object
    ? `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

export interface HostileBody {
  bytes: Buffer | undefined;
  /** For the failure report: a short description rather than megabytes. */
  label: string;
}

export const hostileBody: fc.Arbitrary<HostileBody> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ bytes: undefined, label: 'no body' }) },
  {
    weight: 3,
    arbitrary: fc
      .jsonValue({ maxDepth: 4 })
      .map((v) => ({ bytes: utf8(JSON.stringify(v)), label: `json ${JSON.stringify(v).slice(0, 200)}` })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...PLAUSIBLE),
        fc.constantFrom('', 'name', 'action', 'spec', 'auth', 'user', 'description', 'auto_stop'),
        junk,
        fc.boolean(),
      )
      .map(([base, key, value, poison]) => {
        const body = key ? { ...base, [key]: value } : base;
        const text = poison ? pollute(body) : JSON.stringify(body);
        return { bytes: utf8(text), label: `plausible ${text.slice(0, 300)}` };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('name', 'description', 'action', 'password'), fc.integer({ min: 10_000, max: 1_100_000 }))
      .map(([key, n]) => ({
        bytes: utf8(`{"${key}":"${'x'.repeat(n)}"}`),
        label: `huge ${key} of ${n} chars`,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean(), fc.boolean())
      .map(([depth, object, poison]) => ({
        bytes: utf8(deepNesting(depth, object, poison)),
        label: `nesting ${depth} deep (${object ? 'objects' : 'arrays'}${poison ? ', __proto__ inside' : ''})`,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constant(
          Buffer.from([
            0x7b, 0x22, 0x61, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d,
          ]),
        ),
        fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      )
      .map((bytes) => ({ bytes, label: `bytes ${bytes.toString('hex').slice(0, 130)}` })),
  },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 40 }).map((s) => ({ bytes: utf8(s), label: `text ${JSON.stringify(s)}` })),
  },
);

export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/octet-stream',
      '*/*',
      'application/json, text/plain',
      'application/vnd.api+json',
      'application/json;;;',
      '',
    ),
  },
  { weight: 1, arbitrary: headerValue },
);
