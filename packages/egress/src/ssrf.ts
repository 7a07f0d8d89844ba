import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to its IP addresses (all of them: one bad answer refuses the target). */
export type ResolveHost = (host: string) => Promise<string[]>;

export interface TargetPolicy {
  resolveHost: ResolveHost;
  /** Local mode only (demo, tests): loopback and private targets are allowed. */
  allowPrivateTargets: boolean;
}

/** A target the checker will not contact; reported on the check result, never thrown past the check. */
export class RefusedTarget extends Error {
  override readonly name = 'RefusedTarget';
}

/**
 * Why an address may not be contacted, or null when it is public unicast. Anything ipaddr.js does not
 * classify as plain `unicast` is refused: loopback, RFC 1918, link-local (with the 169.254.169.254
 * metadata service), CGNAT, ULA (with fd00:ec2::254), multicast, reserved, and the IPv6 forms that
 * embed an IPv4 address (mapped, NAT64, 6to4, Teredo), which could smuggle a private one.
 */
export function refusalReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // process() unwraps ::ffff:a.b.c.d so a mapped private address is judged as IPv4.
  const ip = ipaddr.process(address);
  const range = ip.range();
  return range === 'unicast' ? null : `${ip.toString()} is a ${range} address`;
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Resolves the URL's host and vets every address. Returns the address to connect to; the transport
 * pins the connection to it, so a DNS answer that changes between check and connect (rebinding)
 * cannot redirect the request. Called again for every redirect hop.
 */
export async function vetTarget(url: URL, policy: TargetPolicy): Promise<string> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RefusedTarget(`only http and https targets are checked, not ${url.protocol}`);
  }
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await policy.resolveHost(host);
    } catch (error) {
      throw new Error(`DNS lookup of ${host} failed: ${(error as { code?: string }).code ?? String(error)}`);
    }
    if (addresses.length === 0) throw new Error(`DNS lookup of ${host} returned no address`);
  }
  if (!policy.allowPrivateTargets) {
    for (const address of addresses) {
      const reason = refusalReason(address);
      if (reason) throw new RefusedTarget(`target refused: ${host} → ${reason}`);
    }
  }
  return addresses[0] as string;
}
