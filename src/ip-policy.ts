import { isIPv4, isIPv6 } from 'node:net';

/** What is kept of a client's IP: `"full"`, `"truncate"` (IPv4 /24, IPv6 /48, 6to4's IPv4 /24: not one household), or `"none"`. */
export type IpPolicy = 'full' | 'truncate' | 'none';

/**
 * The address without the client's port that some proxies write beside it (`203.0.113.7:51234`, `[2001:db8::1]:443`); any other value as given.
 * A port would make the address unreadable as one: dropped under `"truncate"`, and a network no new-device check could compare.
 */
export function withoutPort(ip: string): string {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(ip)?.[1];
  if (v4 !== undefined && isIPv4(v4)) return v4;
  const v6 = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(ip)?.[1];
  return v6 !== undefined && isIPv6(v6.split('%')[0]!) ? v6 : ip;
}

/** Applies an {@link IpPolicy}; under `"truncate"`, what is not an IP address cannot be truncated and is dropped. */
export function applyIpPolicy(ip: string | undefined, policy: IpPolicy): string | undefined {
  if (ip === undefined || policy === 'none') return undefined;
  if (policy === 'full') return ip;
  const v4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1] ?? ip;
  if (isIPv4(v4)) return `${v4.slice(0, v4.lastIndexOf('.'))}.0`;
  // A zone (fe80::1%eth0) names an interface of the client's host: never kept.
  const address = ip.split('%')[0]!;
  if (!isIPv6(address)) return undefined;
  const groups = expandIPv6(address);
  // 6to4 (2002::/16) holds the client's IPv4 address in its next two groups: cut it to /24 as well.
  if (groups[0] === '2002') groups[2] = (Number.parseInt(groups[2]!, 16) & 0xff00).toString(16);
  return `${groups.slice(0, 3).join(':')}::`;
}

// The URL parser writes it in canonical form first (lower case, an IPv4 tail as two hex groups).
function expandIPv6(address: string): string[] {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right];
}
