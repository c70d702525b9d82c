/**
 * @module runtime/redact
 * Keeps secrets out of what a driver shows: log tails that go into `failed_reasons` and the notebook
 * log (repository URLs that may carry `user:password@` are masked by core/instances/repository-url).
 */

const MASK = '[redacted]';

/** Replaces every occurrence of each non-empty secret. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(MASK);
  return out;
}
