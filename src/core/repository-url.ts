/**
 * @module core/repository-url
 * Which repository addresses an instance may clone from, and which git arguments may accompany
 * them. The address reaches `git clone` on the server, so only the two transports the public API
 * names pass: `https://host/…` and ssh (`ssh://[user@]host[:port]/…` or scp-like
 * `[user@]host:path`), plus `http://` to a loopback address. Everything git would otherwise honour is refused: local paths and
 * `file://` (they read the server's own disk), `<helper>::…` remote helpers such as `ext::` (they
 * run commands), anything git or ssh could take for an option (`--upload-pack=…`, `-u…`,
 * `ssh://-oProxyCommand=…`), and whitespace or control characters.
 */
import { ApiError } from './errors.js';

export type RepositoryProtocol = 'https' | 'ssh' | 'http';

/**
 * Plain `http://` only to this machine (a git server for development or tests): a token sent in
 * clear never crosses a network.
 */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Printable ASCII without space or backslash: all a clone address needs. */
const PRINTABLE = /^[\x21-\x5b\x5d-\x7e]+$/;
/** `[user@]host:path`, the scp-like ssh form; git reads it so only when no `/` precedes the `:`. */
const SCP_LIKE = /^(?:([^@/:]+)@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(.+)$/;
/** A user, host or path git or ssh would read as an option. */
const OPTION_LIKE = /^-/;

function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function isSafeHost(host: string): boolean {
  return host !== '' && !OPTION_LIKE.test(host);
}

function transportOf(url: string): RepositoryProtocol | null {
  if (!PRINTABLE.test(url) || OPTION_LIKE.test(url)) return null;
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (authority) {
    const u = parsed(url);
    // Checked as sent, not as parsed: git reads the raw text (`https:///x` has no host for it).
    const userAndHost = (authority[1] ?? '').split('@');
    if (!u || !isSafeHost(u.hostname) || userAndHost.some((part) => part === '' || /^(-|%2d)/i.test(part))) return null;
    if (u.protocol === 'https:') return 'https';
    if (u.protocol === 'http:' && LOOPBACK.test(u.hostname)) return 'http';
    if (u.protocol === 'ssh:' && u.pathname.length > 1) return 'ssh';
    return null;
  }
  const scp = SCP_LIKE.exec(url);
  if (!scp) return null;
  const [, user = '', host = '', path = ''] = scp;
  // `host::…` is git's remote-helper syntax (`ext::sh -c …`), not a path on `host`.
  if (OPTION_LIKE.test(user) || !isSafeHost(host) || path.startsWith(':') || OPTION_LIKE.test(path)) return null;
  return 'ssh';
}

/**
 * The transport of a clone address (6336 on `repository.connection_info.url` for anything else).
 * A declared protocol must agree with the address: `protocol: https` with an ssh address is refused.
 */
export function checkRepositoryUrl(url: string, declared: string | null | undefined): RepositoryProtocol {
  if (declared && declared !== 'https' && declared !== 'ssh' && declared !== 'http') throw new ApiError('ModelArts.6336', 'repository.connection_info.protocol');
  const transport = transportOf(url);
  if (!transport || (declared && declared !== transport)) throw new ApiError('ModelArts.6336', 'repository.connection_info.url');
  return transport;
}

/** A branch name git accepts as one, that no git command could mistake for an option. */
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?!\/)(?!.*[/.]$)(?!.*\.lock$)[^\x00-\x20\x7f~^:?*[\\]+$/;

export function checkBranch(branch: string): string {
  if (!BRANCH.test(branch)) throw new ApiError('ModelArts.6336', 'repository.branch');
  return branch;
}

/** Author name and e-mail become `git config` values: one line of text, no control characters. */
export function checkGitIdentity(value: string, field: 'user_name' | 'user_email'): string {
  if (/[\x00-\x1f\x7f]/.test(value) || OPTION_LIKE.test(value)) throw new ApiError('ModelArts.6336', `repository.${field}`);
  return value;
}
