/**
 * @module api/error-handler
 * The only place that writes error bodies: every failure — a domain {@link ApiError}, a schema
 * violation, a malformed body, an unknown route — leaves as `{error_code, error_msg,
 * error_message}` with its status. Unexpected faults are logged with their stack and answered
 * without one.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../core/errors.js';
import { validationError } from './validation-errors.js';

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({ error_code: error.code, error_msg: error.message, error_message: error.message });
}

function toApiError(error: FastifyError): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(error.validation, error.validationContext ?? 'body');
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('ModelArts.0413');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('ModelArts.0415', 'of this request');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('ModelArts.0400');
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) return new ApiError('ModelArts.0400');
  return undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toApiError(error);
    if (known) return sendError(reply, known);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, new ApiError('ModelArts.0400'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({
      error_code: 'ModelArts.6361',
      error_msg: 'Internal service or configuration error.',
      error_message: 'Internal service or configuration error.',
    });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const route = METHODS.some((method) => method !== request.method && app.findRoute({ url: path, method }));
    if (route) return sendError(reply, new ApiError('ModelArts.0405', request.method, path));
    return sendError(reply, new ApiError('ModelArts.0404', path));
  });
}
