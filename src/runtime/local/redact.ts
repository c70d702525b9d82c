/**
 * @module runtime/local/redact
 * Keeps secrets out of what the driver shows: log tails that go into `failed_reasons`, and
 * repository URLs that may carry `user:password@`.
 */

const MASK = '[redacted]';

/** Replaces every occurrence of each non-empty secret. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(MASK);
  return out;
}

/** The URL without a password in its user part; unparsable input comes back unchanged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
