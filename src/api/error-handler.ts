/**
 * @module api/error-handler
 * The only place that writes error bodies: every failure — a {@link DomainError} (with its status
 * from api/error-statuses), an {@link HttpError}, a schema violation, a malformed body, an unknown
 * route — leaves as `{error_code, error_msg, error_message}` with its status. A fault of the
 * storage (see Store.faultOf) is answered 503 with a Retry-After, since it may pass; other
 * unexpected faults are logged with their stack and answered 500 without one.
 */
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { DomainError } from '../core/shared/errors.js';
import type { StorageFault } from '../core/ports/store.js';
import { DOMAIN_STATUS } from './error-statuses.js';
import { HttpError, retryAfterHeaderSeconds } from './http-error.js';
import { validationError } from './validation-errors.js';

/** Any error this edge answers with a catalogue code. */
export type AnsweredError = DomainError | HttpError;

function errorBody(error: AnsweredError) {
  return { error_code: error.code, error_msg: error.message, error_message: error.message };
}

function statusOf(error: AnsweredError): number {
  return error instanceof DomainError ? DOMAIN_STATUS[error.code] : error.status;
}

function retryAfterOf(error: AnsweredError): number | undefined {
  if (error instanceof HttpError) return error.retryAfterSeconds;
  return error.retryableInMs === undefined ? undefined : retryAfterHeaderSeconds(error.retryableInMs / 1000);
}

export function sendError(reply: FastifyReply, error: AnsweredError): FastifyReply {
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  return reply.code(statusOf(error)).type('application/json; charset=utf-8').send(errorBody(error));
}

/**
 * Fastify's `frameworkErrors`: a path the router cannot decode (`%zz`) or a parameter longer than
 * any id names no resource; answered as such rather than with Fastify's own body.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.debug({ code: error.code }, 'unroutable path');
  sendError(reply, new HttpError('ModelArts.0404', request.url.split('?')[0] ?? ''));
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses (oversized headers, a
 * malformed request line) never reach the router; they are answered on the socket, in the same body.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // An answer to HEAD has no body: a client reading one would take the body for the next answer.
  const raw: unknown = error.rawPacket;
  const head = Buffer.isBuffer(raw) && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
  const known =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new HttpError('ModelArts.0431')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new HttpError('ModelArts.0408')
        : new HttpError('ModelArts.0400');
  const body = JSON.stringify(errorBody(known));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  }
  socket.destroy(error);
}

function toAnsweredError(error: FastifyError): AnsweredError | undefined {
  if (error instanceof DomainError || error instanceof HttpError) return error;
  if (error.validation) return validationError(error.validation, error.validationContext ?? 'body');
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError('ModelArts.0413');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError('ModelArts.0415', 'of this request');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError('ModelArts.0400');
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message)))
    return new HttpError('ModelArts.0400');
  return undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Seconds a client is told to wait after a storage fault: long enough for a disk to be freed or a database to fail over. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

const FAULT_WORDING: Readonly<Record<StorageFault, string>> = {
  full: 'its disk is full',
  'read-only': 'it is read-only',
  io: 'an I/O error',
  busy: 'it is busy',
  unreachable: 'it is unreachable',
};

/** The 503 a storage fault is answered with; its wording names the kind of fault and nothing of the database. */
export function storageFaultError(fault: StorageFault): HttpError {
  return new HttpError('ModelArts.0503', FAULT_WORDING[fault]).retryAfter(STORAGE_RETRY_AFTER_SECONDS);
}

export function registerErrorHandling(
  app: FastifyInstance,
  faultOf: (error: unknown) => StorageFault | undefined = () => undefined,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toAnsweredError(error);
    if (known) return sendError(reply, known);
    const fault = faultOf(error);
    if (fault) {
      request.log.warn({ err: error, fault }, 'storage fault');
      return sendError(reply, storageFaultError(fault));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, new HttpError('ModelArts.0400'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(errorBody(new DomainError('ModelArts.6361')));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const route = METHODS.some((method) => method !== request.method && app.findRoute({ url: path, method }));
    if (route) return sendError(reply, new HttpError('ModelArts.0405', request.method, path));
    return sendError(reply, new HttpError('ModelArts.0404', path));
  });
}
