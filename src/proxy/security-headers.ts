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
 */
import type { FastifyReply } from 'fastify';

const FIXED: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'SAMEORIGIN',
};

export function setSecurityHeaders(reply: FastifyReply): void {
  reply.headers(FIXED);
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "frame-ancestors 'self'");
}
