/**
 * @module core/instances/repository-hosts
 * Which hosts an instance may clone a repository from, judged by the addresses the host's name
 * resolves to: never this machine (loopback, the unspecified address, which reaches it too) or a
 * link-local address (169.254.169.254 is the cloud metadata service, with the host's
 * credentials), and by default no private address either (10/8, 172.16/12, 192.168/16,
 * 100.64/10, fc00::/7) — else anyone who may create an instance could make the server fetch from
 * its own network. IPv4-mapped IPv6 forms count as their IPv4 address. Internal git servers are
 * let through by name or by CIDR (`repositories.allowedHosts`), or with every private address
 * (`repositories.privateAddresses: "allow"`).
 *
 * Names are resolved at create and again just before the clone, as DNS can change in between;
 * git resolves once more itself, so a name whose answer changes within that moment is not caught
 * — a limit of checking names rather than connecting to a checked address.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { repositoryHost } from './repository-url.js';

export interface RepositoryHostPolicy {
  /** Host names (matched without regard to case) and CIDRs (`10.20.0.0/16`) always allowed. */
  allowedHosts: readonly string[];
  /** `refuse` (the default): private addresses are refused like loopback ones. */
  privateAddresses: 'allow' | 'refuse';
}

export const DEFAULT_REPOSITORY_HOST_POLICY: RepositoryHostPolicy = { allowedHosts: [], privateAddresses: 'refuse' };

type Subnet = readonly [address: string, prefix: number];

const NEVER: readonly Subnet[] = [
  ['127.0.0.0', 8],
  ['0.0.0.0', 8],
  ['169.254.0.0', 16],
  ['::1', 128],
  ['::', 128],
  ['fe80::', 10],
];
const PRIVATE: readonly Subnet[] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['fc00::', 7],
  ['fec0::', 10],
];

const LOCALHOST = /(^|\.)localhost\.?$/;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** `::ffff:7f00:1` and `::ffff:127.0.0.1` as `127.0.0.1`: the address they reach. */
function unmapped(address: string): string {
  if (isIP(address) !== 6) return address;
  const expanded = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(expanded);
  if (!mapped) return address;
  const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function blockList(subnets: readonly Subnet[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of subnets) list.addSubnet(address, prefix, familyOf(address));
  return list;
}

/** An `allowedHosts` entry as a subnet, a host name, or undefined when it is neither. */
export function parseAllowedHost(entry: string): { subnet: Subnet } | { name: string } | undefined {
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (cidr) {
    const [address, prefix] = [cidr[1]!, Number(cidr[2])];
    const bits = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : 0;
    return bits > 0 && prefix <= bits ? { subnet: [address, prefix] } : undefined;
  }
  const bare = entry.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return { subnet: [bare, isIP(bare) === 4 ? 32 : 128] };
  return HOST_NAME.test(entry) ? { name: entry.toLowerCase().replace(/\.$/, '') } : undefined;
}

export class RepositoryHosts {
  readonly #names = new Set<string>();
  readonly #allowed = new BlockList();
  readonly #refused: BlockList;

  constructor(policy: RepositoryHostPolicy = DEFAULT_REPOSITORY_HOST_POLICY) {
    for (const entry of policy.allowedHosts) {
      const parsed = parseAllowedHost(entry);
      if (!parsed)
        throw new Error(
          `repositories.allowedHosts: ${JSON.stringify(entry)} is neither a host name nor an address or CIDR`,
        );
      if ('name' in parsed) this.#names.add(parsed.name);
      else this.#allowed.addSubnet(parsed.subnet[0], parsed.subnet[1], familyOf(parsed.subnet[0]));
    }
    this.#refused = blockList(policy.privateAddresses === 'allow' ? NEVER : [...NEVER, ...PRIVATE]);
  }

  /**
   * Why `url`'s host may not be cloned from, or null when it may (or names no host: the address
   * rules refuse such URLs before this is asked). A name that does not resolve is let through at
   * create (`unresolvable: 'accept'`: the service may not see the DNS its clone will use, and the
   * clone asks again) and refused just before the clone, which could not reach it anyway.
   */
  async refusal(url: string, unresolvable: 'accept' | 'refuse'): Promise<string | null> {
    const host = repositoryHost(url);
    if (host === null || this.#names.has(host.replace(/\.$/, ''))) return null;
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    // curl answers these itself, without the resolver (RFC 6761), and the resolver here may not.
    else if (LOCALHOST.test(host)) addresses = ['127.0.0.1'];
    else {
      try {
        addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
      } catch {
        return unresolvable === 'accept' ? null : `its host ${host} does not resolve`;
      }
    }
    for (const address of addresses.map(unmapped)) {
      const family = familyOf(address);
      if (this.#allowed.check(address, family)) continue;
      // One answer for every kind refused: it should not tell a prober more about the network.
      if (this.#refused.check(address, family)) {
        return `its host is this machine, a link-local or a private address, which repositories may not use unless the server allows it (repositories.allowedHosts)`;
      }
    }
    return null;
  }
}
