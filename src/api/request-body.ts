/**
 * @module api/request-body
 * The raw bytes of a request body, for a preParsing hook that must see them before Fastify parses
 * them (a signature covers the bytes, not the parsed JSON), and a stream that hands the same bytes
 * on to Fastify's parser.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { RequestPayload } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Reads the whole payload; over `limit` bytes, rejects with 413 as Fastify's parser would. Like
 * that parser it then stops listening rather than destroying the stream, so the answer still
 * reaches the client.
 */
export function readBody(payload: Readable, limit: number, declaredLength?: string): Promise<Buffer> {
  if (Number(declaredLength) > limit) return Promise.reject(new HttpError('ModelArts.0413'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      payload.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limit) finish(new HttpError('ModelArts.0413'));
      else chunks.push(bytes);
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(error);
    payload.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** A payload stream of `body`, sized for Fastify's Content-Length check. */
export function replayBody(body: Buffer): RequestPayload {
  return Object.assign(new PassThrough().end(body), { receivedEncodedLength: body.length });
}
