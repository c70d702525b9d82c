/**
 * @module test/support/instance-contract
 * An independent reading of the Instance object of `querying-instance-details.txt` (Tables 2–21)
 * and of `api-reference.md` §2, written for the tests and deliberately NOT derived from
 * `src/api/schemas`: if the server and this file disagree, one of them misread the contract.
 *
 * Rules encoded here:
 * - every field of Tables 2–21 is present, with the table's type (String, Integer, Boolean, Object,
 *   Map<String,String>, Dict, Array);
 * - an explicit `null` only where the value is a sub-object or optional value that may be absent
 *   (`nullable` below), never a missing key;
 * - no keys besides the tables' fields and the few that the seed sample / api-reference add
 *   (`profile.provision.annotations`, `spec.extend_storage`, `spec.storage.location.mount_path`);
 * - `creation_timestamp` / `latest_update_timestamp` are strings of 13 digits (epoch ms);
 *   `stop_timestamp`, `resource_reserved_timestamp`, `begin_timestamp`, `end_timestamp` integers
 *   of 13 digits; ids are `DE-<uuid>`.
 */

type Kind = 'string' | 'integer' | 'boolean' | 'object' | 'map' | 'dict' | 'array';

interface FieldSpec {
  type: Kind;
  /** An explicit null is allowed (the value is an absent sub-object or optional value). */
  nullable?: boolean;
  /** For `object`: the table's fields. */
  fields?: Record<string, FieldSpec>;
  /** For `array`: the element type. */
  items?: FieldSpec;
  /** Extra value check, after the type matched (and the value is not null). */
  check?: (value: any, path: string) => string | undefined;
}

const S = (extra: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'string', ...extra });
const I = (extra: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'integer', ...extra });
const B = (extra: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'boolean', ...extra });
const M = (extra: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'map', ...extra });
const O = (fields: Record<string, FieldSpec>, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  type: 'object',
  fields,
  ...extra,
});

const oneOf =
  (...allowed: string[]) =>
  (value: string, path: string) =>
    allowed.includes(value) ? undefined : `${path}: ${JSON.stringify(value)} is not one of ${allowed.join('|')}`;

export const EPOCH_MS_STRING = /^\d{13}$/;
export const INSTANCE_ID = /^DE-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const epochMsString = (value: string, path: string) =>
  EPOCH_MS_STRING.test(value) ? undefined : `${path}: ${JSON.stringify(value)} is not a string of 13 digits (epoch ms)`;
const epochMsInteger = (value: number, path: string) =>
  value >= 1e12 && value < 1e13 ? undefined : `${path}: ${value} is not a 13-digit epoch-ms integer`;
const nonNegative = (value: number, path: string) => (value >= 0 ? undefined : `${path}: ${value} is negative`);

/** §3 of api-reference.md. */
export const STATUSES = [
  'CREATE_QUEUING',
  'CREATING',
  'CREATE_FAILED',
  'START_QUEUING',
  'READY_TO_START',
  'STARTING',
  'RESTARTING',
  'START_FAILED',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'UNAVAILABLE',
  'DELETED',
  'RESIZING',
  'RESIZE_FAILED',
  'DELETING',
] as const;

/** Table 21. */
const credential = O(
  { ssh_private_key: S({ nullable: true }), access_token: S({ nullable: true }) },
  { nullable: true },
);

/** Table 7. queuing_num / queue_left_time are only mandatory for Free + soldOut; billing_* optional. */
const flavorDetails = O({
  name: S(),
  status: S({ check: oneOf('onSale', 'soldOut') }),
  queuing_num: I({ nullable: true }),
  queue_left_time: I({ nullable: true }),
  storage_list: { type: 'array', items: S() },
  is_permitted: B(),
  type: S({ check: oneOf('CPU', 'GPU') }),
  params: { type: 'dict' },
  promo_type: S({ check: oneOf('Free', 'NoDiscount') }),
  instance_num: I({ check: nonNegative }),
  duration: I(),
  store_time: I(),
  billing_flavor: S({ nullable: true }),
  billing_params: I({ nullable: true }),
});

/** Tables 12–13 (+ mount_path, which the create body of api-reference.md accepts). */
const storage = O({
  type: S(),
  location: O(
    {
      path: S({ nullable: true }),
      volume_size: I({ nullable: true }),
      mount_path: S({ nullable: true }),
    },
    { nullable: true },
  ),
});

/** Tables 2–21. */
export const INSTANCE_CONTRACT: FieldSpec = O({
  id: S({ check: (v, p) => (INSTANCE_ID.test(v) ? undefined : `${p}: ${v} is not DE-<uuid>`) }),
  name: S(),
  description: S(),
  status: S({ check: oneOf(...STATUSES) }),
  creation_timestamp: S({ check: epochMsString }),
  // Table 3
  profile: O({
    id: S(),
    name: S(),
    description: S(),
    de_type: S({ check: oneOf('Notebook') }),
    // Table 4 (+ annotations, present in the seed sample)
    provision: O({
      type: S({ check: oneOf('Docker') }),
      // Table 5
      spec: O({
        engine: S({ check: oneOf('CCE') }),
        // Table 6
        params: O({ namespace: S(), image_name: S(), image_tag: S(), annotations: M({ nullable: true }) }),
      }),
      annotations: M({ nullable: true }),
    }),
    labels: M({ nullable: true }),
    flavor_type: S({ check: oneOf('CPU', 'GPU') }),
  }),
  flavor: S(),
  // Table 11 (+ extend_storage, present in the seed sample)
  spec: O({
    log_path: S({ nullable: true }),
    custom_script_path: S({ nullable: true }),
    storage,
    extend_storage: { type: 'array', items: storage, nullable: true },
    credential,
    // Tables 19–20
    repository: O(
      {
        id: S({ nullable: true }),
        branch: S({ nullable: true }),
        user_name: S({ nullable: true }),
        user_email: S({ nullable: true }),
        type: S({ nullable: true }),
        connection_info: O(
          { protocol: S({ nullable: true }), url: S({ nullable: true }), credential },
          { nullable: true },
        ),
      },
      { nullable: true },
    ),
    resource_reserved_timestamp: I({ nullable: true, check: epochMsInteger }),
    // Table 14
    auto_stop: O({
      enable: B(),
      duration: I(),
      prompt: B(),
      stop_timestamp: I({ nullable: true, check: epochMsInteger }),
      remain_time: I({ nullable: true, check: nonNegative }),
    }),
    // Table 15
    failed_reasons: O({ code: S(), message: S(), detail: M({ nullable: true }) }, { nullable: true }),
    annotations: M(),
    extend_params: M({ nullable: true }),
  }),
  // Table 16
  workspace: O({ id: S({ check: (v, p) => (v ? undefined : `${p} is empty`) }) }),
  latest_update_timestamp: S({ check: epochMsString }),
  flavor_details: flavorDetails,
  // Tables 8, 10
  pool: O({ id: S(), name: S(), type: S(), owner: O({ project_id: S() }, { nullable: true }) }, { nullable: true }),
  // Table 9
  ai_project: O({ id: S() }),
  error_code: S({ nullable: true }),
  // Table 17
  queuing_info: O(
    {
      id: S(),
      name: S(),
      de_type: S(),
      flavor: S(),
      flavor_details: flavorDetails,
      status: S(),
      begin_timestamp: I({ check: epochMsInteger }),
      remain_time: I({ check: nonNegative }),
      end_timestamp: I({ check: epochMsInteger }),
      rank: I(),
    },
    { nullable: true },
  ),
  // Table 18
  user: O({ id: S(), name: S() }),
});

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function checkValue(value: unknown, spec: FieldSpec, path: string, errors: string[]): void {
  if (value === undefined) {
    errors.push(`${path}: missing`);
    return;
  }
  if (value === null) {
    if (!spec.nullable) errors.push(`${path}: null is not allowed (${spec.type})`);
    return;
  }
  const actual = typeOf(value);
  switch (spec.type) {
    case 'string':
    case 'boolean':
      if (actual !== spec.type)
        return void errors.push(`${path}: expected ${spec.type}, got ${actual} ${JSON.stringify(value)}`);
      break;
    case 'integer':
      if (actual !== 'number' || !Number.isInteger(value))
        return void errors.push(`${path}: expected integer, got ${actual} ${JSON.stringify(value)}`);
      break;
    case 'map':
      if (actual !== 'object') return void errors.push(`${path}: expected Map<String,String>, got ${actual}`);
      for (const [k, v] of Object.entries(value as object)) {
        if (typeof v !== 'string') errors.push(`${path}.${k}: Map<String,String> value is ${typeOf(v)}`);
      }
      break;
    case 'dict':
      if (actual !== 'object') return void errors.push(`${path}: expected Dict, got ${actual}`);
      for (const [k, v] of Object.entries(value as object)) {
        if (typeof v !== 'string' && typeof v !== 'number') errors.push(`${path}.${k}: Dict value is ${typeOf(v)}`);
      }
      break;
    case 'array':
      if (actual !== 'array') return void errors.push(`${path}: expected array, got ${actual}`);
      for (const [i, item] of (value as unknown[]).entries()) checkValue(item, spec.items!, `${path}[${i}]`, errors);
      break;
    case 'object': {
      if (actual !== 'object') return void errors.push(`${path}: expected object, got ${actual}`);
      const record = value as Record<string, unknown>;
      for (const [key, child] of Object.entries(spec.fields!))
        checkValue(record[key], child, path ? `${path}.${key}` : key, errors);
      for (const key of Object.keys(record)) {
        if (!(key in spec.fields!)) errors.push(`${path ? `${path}.` : ''}${key}: not a field of the contract`);
      }
      break;
    }
  }
  const problem = spec.check?.(value, path);
  if (problem) errors.push(problem);
}

/** Cross-field rules of the tables (the "mandatory when …" sentences). */
function checkConditions(instance: any, errors: string[]): void {
  const checkFlavor = (fd: any, path: string) => {
    if (!fd || typeof fd !== 'object') return;
    if (fd.promo_type === 'Free' && fd.status === 'soldOut') {
      if (!Number.isInteger(fd.queuing_num)) errors.push(`${path}.queuing_num: mandatory for a Free, soldOut flavor`);
      if (!Number.isInteger(fd.queue_left_time))
        errors.push(`${path}.queue_left_time: mandatory for a Free, soldOut flavor`);
    }
    if (fd.billing_flavor && !Number.isInteger(fd.billing_params))
      errors.push(`${path}.billing_params: mandatory when billing_flavor is set`);
  };
  checkFlavor(instance.flavor_details, 'flavor_details');
  checkFlavor(instance.queuing_info?.flavor_details, 'queuing_info.flavor_details');
  if (instance.flavor_details && instance.flavor !== instance.flavor_details.name) {
    errors.push(`flavor_details.name ${instance.flavor_details.name} differs from flavor ${instance.flavor}`);
  }
  if (instance.pool?.type === 'USER_DEFINED' && !instance.pool.owner)
    errors.push('pool.owner: mandatory when type is USER_DEFINED');
  const storages = [
    instance.spec?.storage,
    ...(Array.isArray(instance.spec?.extend_storage) ? instance.spec.extend_storage : []),
  ];
  storages.forEach((s: any, i: number) => {
    if (s?.type === 'obs' && typeof s.location?.path !== 'string')
      errors.push(`storage[${i}].location.path: mandatory when type is obs`);
  });
  if (
    EPOCH_MS_STRING.test(instance.creation_timestamp ?? '') &&
    EPOCH_MS_STRING.test(instance.latest_update_timestamp ?? '') &&
    Number(instance.latest_update_timestamp) < Number(instance.creation_timestamp)
  ) {
    errors.push('latest_update_timestamp is before creation_timestamp');
  }
}

/** Every violation of the contract by `instance`, as readable lines (empty when it conforms). */
export function contractViolations(instance: unknown): string[] {
  const errors: string[] = [];
  checkValue(instance, INSTANCE_CONTRACT, '', errors);
  if (instance && typeof instance === 'object') checkConditions(instance, errors);
  return errors;
}

/** Throws an assertion-style error listing every violation. */
export function assertInstanceContract(instance: unknown, context = ''): void {
  const errors = contractViolations(instance);
  if (errors.length > 0) {
    throw new Error(
      `Instance${context ? ` (${context})` : ''} violates the contract:\n  ${errors.join('\n  ')}\n${JSON.stringify(instance, null, 1)}`,
    );
  }
}

/**
 * Status-dependent rules of api-reference.md §2: the URL only while RUNNING, the auto-stop deadline
 * only while running with auto-stop on, failure reasons on *_FAILED and none on RUNNING.
 */
export function statusViolations(instance: any): string[] {
  const errors: string[] = [];
  const running = instance.status === 'RUNNING';
  const url = instance.spec?.annotations?.url;
  if (running && !(typeof url === 'string' && url.length > 0))
    errors.push('spec.annotations.url must be non-empty while RUNNING');
  if (!running && url) errors.push(`spec.annotations.url must be empty in ${instance.status}, got ${url}`);
  const autoStop = instance.spec?.auto_stop ?? {};
  if (running && autoStop.enable) {
    if (!Number.isInteger(autoStop.stop_timestamp))
      errors.push('auto_stop.stop_timestamp must be set while RUNNING with auto stop');
    if (!Number.isInteger(autoStop.remain_time))
      errors.push('auto_stop.remain_time must be set while RUNNING with auto stop');
  } else {
    if (autoStop.stop_timestamp !== null)
      errors.push(`auto_stop.stop_timestamp must be null in ${instance.status} (enable=${autoStop.enable})`);
    if (autoStop.remain_time !== null)
      errors.push(`auto_stop.remain_time must be null in ${instance.status} (enable=${autoStop.enable})`);
  }
  if (instance.status === 'CREATE_FAILED' || instance.status === 'START_FAILED') {
    if (!instance.spec?.failed_reasons) errors.push(`spec.failed_reasons must explain ${instance.status}`);
  }
  if (running && instance.spec?.failed_reasons !== null) errors.push('spec.failed_reasons must be null while RUNNING');
  return errors;
}

export function assertStatusRules(instance: any): void {
  const errors = statusViolations(instance);
  if (errors.length > 0)
    throw new Error(`Instance in ${instance.status} breaks the status rules:\n  ${errors.join('\n  ')}`);
}

/** JSON type of a value for the sample comparison: integer and number are both "number". */
export function jsonType(value: unknown): string {
  return typeOf(value);
}

/**
 * Every key path of `sample` must exist in `actual` with the same JSON type; where the sample has
 * `null`, `actual` may hold null or an object (an absent vs. a present sub-object).
 */
export function samplePathViolations(sample: unknown, actual: unknown, path = ''): string[] {
  if (sample === null) {
    return actual === null || typeOf(actual) === 'object' ? [] : [`${path}: sample is null, ours is ${typeOf(actual)}`];
  }
  if (typeOf(sample) !== typeOf(actual))
    return [`${path || '(root)'}: sample is ${typeOf(sample)}, ours is ${typeOf(actual)}`];
  if (typeOf(sample) === 'number' && Number.isInteger(sample) !== Number.isInteger(actual)) {
    return [`${path}: sample is ${Number.isInteger(sample) ? 'an integer' : 'a fraction'}, ours is ${actual}`];
  }
  if (typeOf(sample) !== 'object') return [];
  const errors: string[] = [];
  for (const [key, value] of Object.entries(sample as object)) {
    const childPath = path ? `${path}.${key}` : key;
    if (!(key in (actual as object))) errors.push(`${childPath}: missing`);
    else errors.push(...samplePathViolations(value, (actual as Record<string, unknown>)[key], childPath));
  }
  return errors;
}
