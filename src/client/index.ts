/**
 * @module client
 * Typed HTTP client of the demanager API (ModelArts DevEnviron v1 + IAM v3 login).
 */
export { CatalogClient } from './catalog-client.js';
export { DemanagerClient, type DemanagerClientOptions } from './demanager-client.js';
export {
  DemanagerApiError,
  DemanagerError,
  DemanagerNetworkError,
  DemanagerResponseError,
  isNotFound,
  isUnauthorized,
} from './errors.js';
export { HttpClient, type HttpOptions } from './http.js';
export { IdentityClient, loginBodyOf } from './identity-client.js';
export { InstancesClient } from './instances-client.js';
export { UsageClient } from './usage-client.js';
/*
 * The statuses an instance may report, from the model itself rather than a copy: the client sits
 * outside core and may depend on it (as on the API's schemas), so there is one list to keep.
 */
export { INSTANCE_STATUSES, TRANSITIONAL_STATUSES } from '../core/model/statuses.js';
export { LAST_ACTIVITY_ANNOTATION } from '../core/model/instance.js';
export { apiBaseOf, sessionOf, type LoginOptions, type Session } from './session.js';
export type * from './types.js';
export { queuePolicyLabel, sizeParts, whoGoesFirst, windowText, type QueueTerms } from './flavor-words.js';
