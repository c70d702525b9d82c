/**
 * @module core/shared/errors
 * The domain's error catalogue: every ModelArts / IAM code the domain refuses a request with, and
 * its message template (`{}` placeholders, filled in order). Codes and messages only: which HTTP
 * status each one is answered with is the API's business (api/error-statuses), as are the codes of
 * the transport itself (api/http-error).
 */

const templates = {
  'ModelArts.6301': 'The instance already exists.',
  'ModelArts.6302': 'The instance count already reaches the maximum value.',
  'ModelArts.6303': 'The field does not support sorting.',
  'ModelArts.6304': 'Please stop the instance before deleting.',
  'ModelArts.6305': 'The instance is already running.',
  'ModelArts.6306': 'The instance is starting.',
  'ModelArts.6307': 'The instance is already stopped.',
  'ModelArts.6308': 'The instance is stopping.',
  'ModelArts.6309': 'The instance does not exist.',
  'ModelArts.6316': "The param 'storage' is needed for creating notebook instance.",
  'ModelArts.6317': "The 'path' parameter is required when the storage type is OBS.",
  'ModelArts.6318': "The param 'path' needs to end with /.",
  'ModelArts.6323': 'The flavor is not supported, please check it.',
  'ModelArts.6324': 'This location type is not supported. Please check it.',
  'ModelArts.6327': 'The instance is not in running.',
  'ModelArts.6328': 'You currently do not have permission for this flavor.',
  'ModelArts.6329': 'This flavor specification is sold out.',
  'ModelArts.6330': 'The flavor type of profile does not match the type of flavor.',
  'ModelArts.6331': 'The evs volume size ranges from {} GB to {} GB.',
  'ModelArts.6332': "Incorrect parameter type. The '{}' parameter must be of the '{}' type.",
  'ModelArts.6334': 'Invalid value for name or description. The character {} is not allowed.',
  'ModelArts.6335': "'{}' is a required property.",
  'ModelArts.6336': "'{}' property value is incorrect.",
  'ModelArts.6346': 'The timestamp of auto stop must be later than the current timestamp.',
  'ModelArts.6347': "When the instance is in the '{}' status, the '{}' parameter cannot be modified.",
  'ModelArts.6348': "The 'duration' parameter is mandatory for enabling auto stop.",
  'ModelArts.6349': "The 'duration' parameter is incorrect. The value ranges from {} to {}.",
  'ModelArts.6357':
    'The operation is not allowed because another operation is being performed on the instance or the instance is in the target state.',
  'ModelArts.6358': 'The path parameter cannot be the root directory of an OBS bucket.',
  'ModelArts.6360': 'Failed to start the notebook due to insufficient resources.',
  'ModelArts.6361': 'Internal service or configuration error.',
  /* Sharing a notebook (demanager extension, core/instances/instance-shares). */
  'ModelArts.6390': 'The user {} is not a member of this project.',
  'ModelArts.6391': 'The user {} owns the instance: an owner needs no share.',
  'ModelArts.6392': 'The user {} is disabled.',
  'ModelArts.6393': 'The instance is not shared with the user {}.',
  /* Budgets (demanager extension, core/budgets): a start that would run on a spent budget. */
  'ModelArts.6394': 'The {} budget of {} is exhausted: {} of {} {} used {}; {}.',
  'ModelArts.0113': 'Create Notebook failed. Quota: {} is exhausted.',
  'ModelArts.0201': 'The token does not exist.',
  'ModelArts.0202': 'The token has expired.',
  'ModelArts.0203': 'The token is invalid.',
  'ModelArts.0210': 'The project ID in the URL does not match the project ID in the token.',
  'ModelArts.0108': 'You are not authorized to perform this operation.',
  /* The spec's authorisation family (0108, 0210): a resource of another project (core/model/obs-buckets). */
  'ModelArts.0109':
    'The obs bucket {} belongs to another project. A system admin can assign it to this project (PUT /v3/buckets/{name}).',
  'APIGW.0301': 'Incorrect IAM authentication information.',
  /* Keystone-style identity errors (decision: same body shape as every other error). */
  'IAM.0001': 'The username or password is incorrect.',
  'IAM.0002': 'The {} does not exist.',
  'IAM.0003': 'The {} already exists.',
  'IAM.0004': 'The request is invalid: {}',
  'IAM.0005': 'The account is locked. Try again later.',
} as const satisfies Record<string, string>;

export type DomainCode = keyof typeof templates;

export const DOMAIN_TEMPLATES: Readonly<Record<DomainCode, string>> = templates;

export function formatMessage(template: string, args: readonly (string | number)[]): string {
  let i = 0;
  return template.replace(/\{\}/g, () => String(args[i++] ?? ''));
}

/** A refusal the caller can act on; carries a catalogue code and the values for its message. */
export class DomainError extends Error {
  readonly code: DomainCode;
  /**
   * In how many milliseconds a retry may succeed, where the domain knows it (a locked account
   * unlocks at a known time); undefined where only a change of the request can help.
   */
  retryableInMs: number | undefined;

  constructor(code: DomainCode, ...args: (string | number)[]) {
    super(formatMessage(DOMAIN_TEMPLATES[code], args));
    this.name = 'DomainError';
    this.code = code;
    this.retryableInMs = undefined;
  }

  /** The same error, its message saying why (`'…' property value is incorrect: <reason>.`). */
  because(reason: string): this {
    this.message = `${this.message.replace(/\.$/, '')}: ${reason}.`;
    return this;
  }

  /** The same error, saying in how many milliseconds a retry may succeed. */
  retryableIn(ms: number): this {
    this.retryableInMs = ms;
    return this;
  }
}
