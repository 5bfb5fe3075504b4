import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { SecurityEventTransmitter } from './api.js';

// RFC 8935 section 2: a push carries the Authorization the stream was set up with. The
// transmitter is the one the SET names (unverified: the signature is checked afterwards by
// securityEvent(), with that transmitter's keys), so a SET naming a transmitter that has an
// `authorization` is refused without it whatever else it carries.

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether a pushed SET came with the `Authorization` its transmitter is configured with. A SET
 * that names no configured transmitter, or one without `authorization`, passes: `securityEvent()`
 * then answers for it.
 *
 * @param set - The request body.
 * @param authorization - The request's `Authorization` header, if any.
 * @param transmitters - The checked transmitters.
 * @returns `false` for `authentication_failed` (RFC 8935 section 2.4).
 */
export function pushAuthorized(set: unknown, authorization: string | undefined, transmitters: readonly SecurityEventTransmitter[]): boolean {
  let iss: unknown;
  try {
    iss = typeof set === 'string' ? decodeJwt(set).iss : undefined;
  } catch {
    iss = undefined;
  }
  const expected = transmitters.find((transmitter) => transmitter.issuer === iss)?.authorization;
  if (expected === undefined) return true;
  // Compared in constant time, as digests of equal length.
  return authorization !== undefined && timingSafeEqual(digest(authorization), digest(expected));
}
