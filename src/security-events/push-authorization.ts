import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { SecurityEventTransmitter } from './api.js';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether a pushed SET came with the `Authorization` of the transmitter it names (unverified:
 * `securityEvent()` checks the signature next); `false` is `authentication_failed`.
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
