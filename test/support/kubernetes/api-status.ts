/**
 * @module test/support/kubernetes/api-status
 * The `Status` objects a real API server answers failures with, byte for byte in shape: clients
 * (client-node's ApiException, a driver's error mapping) read `code` and `reason` from them, so
 * a fake that answered a bare message would hide mistakes a real cluster shows.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

/** A failure on its way to the client as a Status. */
export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'ApiError';
  }
}

function failure(code: number, reason: string, message: string, details: Status['details'] = {}): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  });
}

// The real server names the resource (plural), not the kind, in these details.
export const notFound = (resource: string, name: string) =>
  failure(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });

export const alreadyExists = (resource: string, name: string) =>
  failure(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });

export const conflict = (resource: string, name: string, why: string) =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource });

export const unknownResource = () => failure(404, 'NotFound', 'the server could not find the requested resource');

export const methodNotAllowed = () =>
  failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const badRequest = (message: string) => failure(400, 'BadRequest', message);

export const unsupportedMediaType = (type: string) =>
  failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`,
  );

export const unauthorized = () => failure(401, 'Unauthorized', 'Unauthorized');

/** 422 with one cause per bad field, as the server's validation reports them. */
export function invalid(kind: string, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const message = `${kind} "${name}" is invalid: ${causes.length > 1 ? `[${list}]` : list}`;
  return failure(422, 'Invalid', message, { ...(name ? { name } : {}), kind, causes });
}

/** The object of the ERROR event a watch from a compacted resourceVersion receives. */
export function expired(requested: string, oldest: string): Status {
  return failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`).status;
}

/** What a DELETE answers for kinds that do not return the deleted object (Secrets). */
export function deleted(resource: string, name: string, uid: string): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, kind: resource, uid },
    code: 200,
  };
}
