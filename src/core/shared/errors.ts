/**
 * @module core/shared/errors
 * The one error catalogue: every ModelArts / IAM code this service answers, with its message
 * template (`{}` placeholders, filled in order) and HTTP status. The API edge turns a thrown
 * {@link ApiError} into `{error_code, error_msg, error_message}`; nothing else builds error bodies.
 */

const entries = {
  'ModelArts.6301': [400, 'The instance already exists.'],
  'ModelArts.6302': [400, 'The instance count already reaches the maximum value.'],
  'ModelArts.6303': [400, 'The field does not support sorting.'],
  'ModelArts.6304': [400, 'Please stop the instance before deleting.'],
  'ModelArts.6305': [400, 'The instance is already running.'],
  'ModelArts.6306': [400, 'The instance is starting.'],
  'ModelArts.6307': [400, 'The instance is already stopped.'],
  'ModelArts.6308': [400, 'The instance is stopping.'],
  'ModelArts.6309': [400, 'The instance does not exist.'],
  'ModelArts.6316': [400, "The param 'storage' is needed for creating notebook instance."],
  'ModelArts.6317': [400, "The 'path' parameter is required when the storage type is OBS."],
  'ModelArts.6318': [400, "The param 'path' needs to end with /."],
  'ModelArts.6323': [400, 'The flavor is not supported, please check it.'],
  'ModelArts.6324': [400, 'This location type is not supported. Please check it.'],
  'ModelArts.6327': [400, 'The instance is not in running.'],
  'ModelArts.6328': [400, 'You currently do not have permission for this flavor.'],
  'ModelArts.6329': [400, 'This flavor specification is sold out.'],
  'ModelArts.6330': [400, 'The flavor type of profile does not match the type of flavor.'],
  'ModelArts.6331': [400, 'The evs volume size ranges from {} GB to {} GB.'],
  'ModelArts.6332': [400, "Incorrect parameter type. The '{}' parameter must be of the '{}' type."],
  'ModelArts.6334': [400, 'Invalid value for name or description. The character {} is not allowed.'],
  'ModelArts.6335': [400, "'{}' is a required property."],
  'ModelArts.6336': [400, "'{}' property value is incorrect."],
  'ModelArts.6346': [400, 'The timestamp of auto stop must be later than the current timestamp.'],
  'ModelArts.6347': [400, "When the instance is in the '{}' status, the '{}' parameter cannot be modified."],
  'ModelArts.6348': [400, "The 'duration' parameter is mandatory for enabling auto stop."],
  'ModelArts.6349': [400, "The 'duration' parameter is incorrect. The value ranges from {} to {}."],
  'ModelArts.6357': [
    400,
    'The operation is not allowed because another operation is being performed on the instance or the instance is in the target state.',
  ],
  'ModelArts.6358': [400, 'The path parameter cannot be the root directory of an OBS bucket.'],
  'ModelArts.6360': [400, 'Failed to start the notebook due to insufficient resources.'],
  'ModelArts.6361': [400, 'Internal service or configuration error.'],
  'ModelArts.0113': [400, 'Create Notebook failed. Quota: {} is exhausted.'],
  'ModelArts.0201': [401, 'The token does not exist.'],
  'ModelArts.0202': [401, 'The token has expired.'],
  'ModelArts.0203': [401, 'The token is invalid.'],
  'ModelArts.0210': [403, 'The project ID in the URL does not match the project ID in the token.'],
  'ModelArts.0108': [403, 'You are not authorized to perform this operation.'],
  /* The spec's authorisation family (0108, 0210): a resource of another project (core/model/obs-buckets). */
  'ModelArts.0109': [403, 'The obs bucket {} belongs to another project. A system admin can assign it to this project (PUT /v3/buckets/{name}).'],
  'APIGW.0301': [401, 'Incorrect IAM authentication information.'],
  /* Huawei's API gateway answers this when a throttling policy is exceeded. */
  'APIGW.0308': [429, 'The throttling threshold has been reached.'],
  /* Keystone-style identity errors (decision: same body shape as every other error). */
  'IAM.0001': [401, 'The username or password is incorrect.'],
  'IAM.0002': [404, 'The {} does not exist.'],
  'IAM.0003': [409, 'The {} already exists.'],
  'IAM.0004': [400, 'The request is invalid: {}'],
  /* Huawei IAM answers a locked account 401 "The account is locked." for 15 minutes. */
  'IAM.0005': [401, 'The account is locked. Try again later.'],
  /* Routing and transport errors, so unknown paths and methods still get a JSON body. */
  'ModelArts.0404': [404, 'The requested resource {} does not exist.'],
  'ModelArts.0405': [405, 'The method {} is not allowed on {}.'],
  'ModelArts.0408': [408, 'The request did not arrive in time.'],
  'ModelArts.0413': [413, 'The request body is too large.'],
  'ModelArts.0415': [415, 'The content type {} is not supported; send application/json.'],
  'ModelArts.0431': [431, 'The request headers are too large.'],
  'ModelArts.0400': [400, 'The request is malformed or its body is not valid JSON.'],
  /* The store refuses writes or cannot be reached (a full disk, a read-only database, a dropped connection). */
  'ModelArts.0503': [503, 'The service cannot use its database right now ({}). Try again later.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof entries;

export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, { status: number; template: string }>> = Object.fromEntries(
  Object.entries(entries).map(([code, [status, template]]) => [code, { status, template }]),
) as Record<ErrorCode, { status: number; template: string }>;

export function formatMessage(template: string, args: readonly (string | number)[]): string {
  let i = 0;
  return template.replace(/\{\}/g, () => String(args[i++] ?? ''));
}

/** A failure the caller can act on; carries a catalogue code and the values for its message. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds until a throttled or locked-out request may succeed; sent as `Retry-After`. */
  retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, ...args: (string | number)[]) {
    const entry = ERROR_CATALOGUE[code];
    super(formatMessage(entry.template, args));
    this.name = 'ApiError';
    this.code = code;
    this.status = entry.status;
    this.retryAfterSeconds = undefined;
  }

  /** The same error, its message saying why (`'…' property value is incorrect: <reason>.`). */
  because(reason: string): this {
    this.message = `${this.message.replace(/\.$/, '')}: ${reason}.`;
    return this;
  }

  /** The same error, telling the caller when to retry. */
  retryAfter(seconds: number): this {
    this.retryAfterSeconds = Math.max(1, Math.ceil(seconds));
    return this;
  }
}
