import { isIP } from 'node:net';
import { withoutPort } from '../ip-policy.js';
import type { HttpRequest } from './request.js';

// Proxy headers only with `trustProxy` (any client can send them): left-most value first, as Express reads them, or counted from the right.

/** The first comma-separated value of a header, trimmed. */
function firstValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const comma = value.indexOf(',');
  const first = (comma === -1 ? value : value.slice(0, comma)).trim();
  return first === '' ? undefined : first;
}

/** Whether the client reached us over HTTPS. */
export function isHttps(request: HttpRequest, trustProxy: boolean | number): boolean {
  if (trustProxy) {
    const proto = firstValue(request.header('x-forwarded-proto'));
    if (proto !== undefined) return proto.toLowerCase() === 'https';
  }
  return request.encrypted;
}

/** The client's IP address: the socket's peer or, behind trusted proxies, the `X-Forwarded-For` address `trustProxy` names. */
export function clientIp(request: HttpRequest, trustProxy: boolean | number): string | undefined {
  if (trustProxy !== false) {
    const header = request.header('x-forwarded-for');
    // Proxies that append: the address the farthest of them saw; what the client sent is to its left.
    const value = trustProxy === true ? firstValue(header) : header?.split(',').at(-trustProxy)?.trim();
    const forwarded = value === undefined ? undefined : withoutPort(value);
    if (forwarded !== undefined && isIP(forwarded) !== 0) return unmapped(forwarded);
  }
  return request.remoteAddress === undefined ? undefined : unmapped(request.remoteAddress);
}

const unmapped = (ip: string): string => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

const HOST_SHAPE = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The host the client addressed: the `Host` line, or HTTP/2's `:authority` without one; `undefined` when both came and differ (RFC 9113: malformed). */
function requestHost(request: HttpRequest): string | undefined {
  const host = request.header('host')?.trim();
  const { authority } = request;
  if (host === undefined || authority === undefined) return host ?? authority;
  return host.toLowerCase() === authority.toLowerCase() ? host : undefined;
}

/** The request's own origin from the scheme and `Host` or `:authority` (or a trusted `X-Forwarded-Host`), for comparing only; `undefined` without a valid host. */
export function ownOrigin(request: HttpRequest, trustProxy: boolean | number): string | undefined {
  const host = (trustProxy ? firstValue(request.header('x-forwarded-host')) : undefined) ?? requestHost(request);
  if (host === undefined || !HOST_SHAPE.test(host)) return undefined;
  const url = `${isHttps(request, trustProxy) ? 'https' : 'http'}://${host}`;
  return URL.canParse(url) ? new URL(url).origin : undefined;
}
