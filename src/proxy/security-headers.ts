/**
 * @module proxy/security-headers
 * Headers the proxy puts on everything it answers under `/notebook/…`, whatever the workload sent
 * (its configuration is in the owner's hands). Jupyter serves its assets with exact types and
 * frames nothing from another origin, so none of these changes what it does:
 * - `X-Content-Type-Options: nosniff`: a file served as text is never run as script or style;
 * - `Referrer-Policy: same-origin`: links out of a notebook do not leak `/notebook/<id>/…`, while
 *   the notebook's own requests keep the `Referer` the CSRF check can fall back on;
 * - `X-Frame-Options: SAMEORIGIN`, and `Content-Security-Policy: frame-ancestors 'self'` when the
 *   workload sent no policy of its own (Jupyter's has that directive): no framing by other sites.
 * And it takes away every CORS header the workload sent (`Access-Control-Allow-*`,
 * `Access-Control-Expose-Headers`): a notebook server told to allow any origin (`allow_origin`,
 * which the owner can set) would otherwise let another site's script read the notebook with the
 * visitor's cookie. Nothing of this server's own is ever called from another origin.
 */
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';

const FIXED: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'SAMEORIGIN',
};

function isCorsHeader(name: string): boolean {
  return name.startsWith('access-control-allow-') || name === 'access-control-expose-headers';
}

const FRAMING_POLICY = "frame-ancestors 'self'";

/** For an answer Fastify sends (a refusal, a redirect). */
export function setSecurityHeaders(reply: FastifyReply): void {
  for (const name of Object.keys(reply.getHeaders())) if (isCorsHeader(name.toLowerCase())) reply.removeHeader(name);
  reply.headers(FIXED);
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', FRAMING_POLICY);
}

/** For the workload's answer, as proxy/notebook-forwarding writes it (names in lower case). */
export function secureHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  for (const name of Object.keys(headers)) if (isCorsHeader(name)) delete headers[name];
  Object.assign(headers, FIXED);
  headers['content-security-policy'] ??= FRAMING_POLICY;
  return headers;
}
