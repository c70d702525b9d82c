/**
 * @module core/instances/repository-url
 * Which repository addresses an instance may clone from, and which git arguments may accompany
 * them. The address reaches `git clone` on the server, so only the two transports the public API
 * names pass: `https://host/…` and ssh (`ssh://[user@]host[:port]/…` or scp-like
 * `[user@]host:path`), plus `http://` to a loopback address. Everything git would otherwise honour is refused: local paths and
 * `file://` (they read the server's own disk), `<helper>::…` remote helpers such as `ext::` (they
 * run commands), anything git or ssh could take for an option (`--upload-pack=…`, `-u…`,
 * `ssh://-oProxyCommand=…`), and whitespace or control characters. Credentials have their own
 * field (`connection_info.credential.access_token`, sealed and never shown): an address carrying
 * them (`https://user:token@…`, `https://token@…`, `ssh://user:password@…`) is refused, since the
 * address itself is stored and shown in clear; an ssh user name alone (`git@…`) is no secret.
 * Which hosts may be reached at all is core/instances/repository-hosts.
 */
import { DomainError } from '../shared/errors.js';

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

/**
 * A host as git hands it to the resolver: a name or IPv4 address, or an IPv6 one in brackets.
 * Percent escapes and other characters are refused: curl decodes some that the URL parser here
 * reads otherwise, and the host checked must be the host git connects to.
 */
const HOST = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/;

function isSafeHost(host: string): boolean {
  return HOST.test(host) && !OPTION_LIKE.test(host);
}

/** `user[:password]@host[:port]` split as git reads it (the last `@` ends the user part). */
function authorityParts(authority: string): {
  user: string | null;
  password: string | null;
  host: string;
  port: string;
} {
  const at = authority.lastIndexOf('@');
  const userInfo = at < 0 ? null : authority.slice(0, at);
  const hostPort = authority.slice(at + 1);
  const [, host = '', port = ''] = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort) ?? [];
  const colon = userInfo?.indexOf(':') ?? -1;
  return {
    user: userInfo === null ? null : colon < 0 ? userInfo : userInfo.slice(0, colon),
    password: userInfo === null || colon < 0 ? null : userInfo.slice(colon + 1),
    host,
    port,
  };
}

const AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/** The host `url` makes git connect to, lower-cased and without brackets; null for an address with none. */
export function repositoryHost(url: string): string | null {
  const authority = AUTHORITY.exec(url);
  const host = authority ? authorityParts(authority[1] ?? '').host : SCP_LIKE.exec(url)?.[2];
  return host ? host.replace(/^\[(.*)\]$/, '$1').toLowerCase() : null;
}

const MASK = '******';

/**
 * `url` with what would be a credential in it masked (`https://******@host/…`,
 * `ssh://git:******@host/…`), for showing an address stored before such addresses were refused.
 */
export function maskedRepositoryUrl(url: string): string {
  const authority = AUTHORITY.exec(url);
  if (!authority) return url;
  const { user, password } = authorityParts(authority[1] ?? '');
  if (user === null) return url;
  const ssh = /^ssh:/i.test(url);
  // Over http(s) a user name alone is a token as often as not (`https://ghp_…@github.com/`).
  const shown = ssh ? (password === null ? user : `${user}:${MASK}`) : MASK;
  const start = url.indexOf('://') + 3;
  return `${url.slice(0, start)}${shown}${url.slice(start + (authority[1] ?? '').lastIndexOf('@'))}`;
}

const CREDENTIALS_IN_URL = 'send credentials as repository.connection_info.credential.access_token, not in the address';

function transportOf(url: string): RepositoryProtocol | null {
  if (!PRINTABLE.test(url) || OPTION_LIKE.test(url)) return null;
  const authority = AUTHORITY.exec(url);
  if (authority) {
    const u = parsed(url);
    // Checked as sent, not as parsed: git reads the raw text (`https:///x` has no host for it).
    const userAndHost = (authority[1] ?? '').split('@');
    const { user, password, host, port } = authorityParts(authority[1] ?? '');
    if (
      !u ||
      !isSafeHost(host) ||
      !/^\d*$/.test(port) ||
      userAndHost.some((part) => part === '' || /^(-|%2d)/i.test(part))
    )
      return null;
    const transport =
      u.protocol === 'https:'
        ? 'https'
        : u.protocol === 'http:' && LOOPBACK.test(u.hostname)
          ? 'http'
          : u.protocol === 'ssh:' && u.pathname.length > 1
            ? 'ssh'
            : null;
    if (transport !== null && (password !== null || (user !== null && transport !== 'ssh'))) {
      throw new DomainError('ModelArts.6336', 'repository.connection_info.url').because(CREDENTIALS_IN_URL);
    }
    return transport;
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
  if (declared && declared !== 'https' && declared !== 'ssh' && declared !== 'http')
    throw new DomainError('ModelArts.6336', 'repository.connection_info.protocol');
  const transport = transportOf(url);
  if (!transport || (declared && declared !== transport))
    throw new DomainError('ModelArts.6336', 'repository.connection_info.url');
  return transport;
}

/** A branch name git accepts as one, that no git command could mistake for an option. */
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?!\/)(?!.*[/.]$)(?!.*\.lock$)[^\x00-\x20\x7f~^:?*[\\]+$/;

export function checkBranch(branch: string): string {
  if (!BRANCH.test(branch)) throw new DomainError('ModelArts.6336', 'repository.branch');
  return branch;
}

/** Author name and e-mail become `git config` values: one line of text, no control characters. */
export function checkGitIdentity(value: string, field: 'user_name' | 'user_email'): string {
  if (/[\x00-\x1f\x7f]/.test(value) || OPTION_LIKE.test(value))
    throw new DomainError('ModelArts.6336', `repository.${field}`);
  return value;
}
