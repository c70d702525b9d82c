/**
 * @module proxy/notebook-hosts
 * A host name per notebook (`notebookHost`, such as `{id}.nb.example.com`): each notebook is then
 * its own origin, so a script in one notebook's page cannot read another notebook, the API or the
 * console (the browser's same-origin policy, with the proxy sending no CORS header), and the
 * access cookie, host-only, is never sent to another notebook. The pattern names the host; the
 * scheme, and the port unless the pattern gives one, are those of the public URL (or of the
 * request that asked for the URL). Host names are case-insensitive and browsers lower-case them,
 * so a notebook's host is its id in lower case; the path keeps the id as it is (Jupyter's base URL).
 */
import type { FastifyRequest } from 'fastify';

export interface NotebookHostPattern {
  /** What comes before and after `{id}` in the host name, lower case. */
  prefix: string;
  suffix: string;
  /** The port the pattern names, or null to take the public URL's. */
  port: string | null;
}

const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Reads `pattern` (`{id}.nb.example.com`, optionally `:port`), or throws saying what is wrong:
 * `{id}` exactly once, within the first label (a wildcard DNS name and certificate cover only
 * that one), and a valid host name around it.
 */
export function parseNotebookHost(pattern: unknown): NotebookHostPattern {
  const fail = (why: string): never => {
    throw new Error(
      `notebookHost must be a host name with {id} once in its first label, such as "{id}.nb.example.com" (optionally ":port"); ${why}, got ${JSON.stringify(pattern)}`,
    );
  };
  if (typeof pattern !== 'string') return fail('not a string');
  const match = /^([^:/]*)(?::(\d{1,5}))?$/.exec(pattern.trim().toLowerCase());
  if (!match) return fail('only a host name and a port');
  const [, host = '', port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return fail('the port is out of range');
  const parts = host.split('{id}');
  if (parts.length !== 2) return fail('{id} must appear exactly once');
  const [prefix = '', suffix = ''] = parts;
  if (prefix.includes('.')) return fail('{id} must be in the first label');
  const sample = `${prefix}de-0123456789abcdef${suffix}`;
  const labels = sample.split('.');
  if (labels.length < 2 || !labels.every((label) => label.length <= 63 && LABEL.test(label)))
    return fail('not a valid host name of at least two labels');
  return { prefix, suffix, port: port ?? null };
}

/** The host name (no port) of the notebook `id`. */
export function notebookHostOf(pattern: NotebookHostPattern, id: string): string {
  return `${pattern.prefix}${id.toLowerCase()}${pattern.suffix}`;
}

/**
 * What stands for `{id}` in `hostname` (no port), lower case, or null for a host outside the
 * pattern. Every host the pattern takes in is a notebook's, even one no instance has (`a.b.nb.…`,
 * which a wildcard DNS record also answers): it serves no notebook, and never the API or the console.
 */
export function notebookIdOfHost(pattern: NotebookHostPattern, hostname: string): string | null {
  const host = hostname.toLowerCase();
  if (host.length <= pattern.prefix.length + pattern.suffix.length) return null;
  if (!host.startsWith(pattern.prefix) || !host.endsWith(pattern.suffix)) return null;
  return host.slice(pattern.prefix.length, host.length - pattern.suffix.length);
}

/** What of a request the origins here are read from. */
type RequestOrigin = Pick<FastifyRequest, 'protocol' | 'host' | 'hostname'>;

/** The base whose scheme and port notebook URLs take: the public URL, else the request's own origin. */
function baseOf(publicUrl: string | null, request: RequestOrigin): URL {
  return new URL(publicUrl ?? `${request.protocol}://${request.host}`);
}

/** `scheme://host[:port]` of the notebook `id`. */
export function notebookOriginOf(
  pattern: NotebookHostPattern,
  publicUrl: string | null,
  request: RequestOrigin,
  id: string,
): string {
  const base = baseOf(publicUrl, request);
  const port = pattern.port ?? base.port;
  // Through URL, so a port that is the scheme's default is left out as browsers do.
  return new URL(`${base.protocol}//${notebookHostOf(pattern, id)}${port ? `:${port}` : ''}`).origin;
}

/**
 * The origin of the console and the API, for links from a notebook's pages back to them: the public
 * URL's, else the request's own unless it came to a notebook host (whose request cannot tell the
 * main host), where it is null. With `notebookHost`, set `publicUrl` so that links back work.
 */
export function mainOriginOf(
  pattern: NotebookHostPattern | null,
  publicUrl: string | null,
  request: RequestOrigin,
): string | null {
  if (publicUrl) return new URL(publicUrl).origin;
  if (pattern && notebookIdOfHost(pattern, request.hostname) !== null) return null;
  return baseOf(null, request).origin;
}
