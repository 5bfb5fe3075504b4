import { isDeepStrictEqual } from 'node:util';
import type { JWTPayload } from 'jose';
import { isSessionError, SessionError } from '../errors.js';
import { isPrintableText } from '../core/checks.js';
import { isObject } from '../option-checks.js';
import { UnknownKey, type IssuerKeys } from '../federated/keys.js';
import { decodeUnverified, DEFAULT_ALGORITHMS, jwtType, refusalOf as tokenRefusalOf, verifyProviderJwt } from '../federated/logout-token.js';
import type { BackchannelRefusal } from '../federated/api.js';
import { FEDERATED_LIMITS } from '../store-records.js';
import type { SecurityEventError, SecurityEventRefusalReport, SecurityEventTransmitter } from './api.js';
import { transmitterMetadataUrls } from './discovery.js';

/**
 * Whether `securityEvent()` or `globalTokenRevocation()` threw because the token names a key the sender's keys lacked when fetched
 * less than 30 s before it came: that token's own trouble, sent again, not an outage. Anyone can cause it with a made-up `kid`, so it is not reported.
 */
export const awaitsKeyFetch = (error: unknown): boolean => isSessionError(error) && error.cause instanceof UnknownKey;

/** `KEYS_UNAVAILABLE` when `error` is a key `issuer`'s keys lacked, fetched less than 30 s before `token` came: a key published since may be the one. */
export function keyFetchAwaited(error: unknown, caller: string, token: string, issuer: string): SessionError | undefined {
  if (!(error instanceof UnknownKey && error.beforeFetch)) return undefined;
  return new SessionError('KEYS_UNAVAILABLE', `${caller}: ${token} names a key that ${issuer}'s keys, fetched less than 30 s ago, lack; they are fetched again 30 s after the last fetch, so it is to be sent again.`, { cause: error });
}

/** Largest SET accepted, in characters: the push route's body limit. */
export const MAX_SET_LENGTH = 64 * 1024;
/** How old a SET's `iat` may be, in ms: how long its `jti` is remembered (queued poll deliveries included). */
export const MAX_SET_AGE = 7 * 24 * 60 * 60_000;
/** The `typ` of RFC 8417 section 2.3, required by SSF 1.0 section 4.1.1. */
export const SET_TYPE = 'secevent+jwt';

/** A SET that passed every check but the replay guard. */
export interface SetClaims {
  readonly transmitter: SecurityEventTransmitter;
  readonly jti: string;
  readonly eventType: string;
  readonly event: Readonly<Record<string, unknown>>;
  /** `sub_id`, else the event's own `subject` (the legacy RISC form); either may be absent. */
  readonly subject: unknown;
  /** The first instant (ms) the SET is no longer accepted: how long its `jti` must be remembered. */
  readonly acceptableUntil: number;
}

type Checked = { readonly ok: true; readonly claims: SetClaims } | { readonly ok: false; readonly refusal: SecurityEventRefusalReport };

/**
 * Checks one SET as RFC 8417 and SSF 1.0 (section 4.1) say; the transmitters were checked by the
 * caller. Keys that cannot be read throw `KEYS_UNAVAILABLE`: not the SET's fault.
 */
export async function checkSecurityEventToken(
  token: unknown,
  { transmitters, now, keys }: { transmitters: readonly SecurityEventTransmitter[]; now: number; keys: IssuerKeys },
): Promise<Checked> {
  let named: string | undefined;
  const refuse = (err: SecurityEventError, description: string): Checked => ({ ok: false, refusal: { err, description, issuer: named } });
  if (typeof token !== 'string' || token.length === 0) return refuse('invalid_request', 'No SET was sent.');
  if (token.length > MAX_SET_LENGTH) return refuse('invalid_request', 'The SET is larger than 64 KiB.');
  const decoded = decodeUnverified(token);
  if (decoded === undefined) return refuse('invalid_request', 'The SET is not a signed JWT (an encrypted SET is not supported).');
  const { header, claims: unverified } = decoded;
  // Exact match: the issuer picks the keys (SSF 1.0 section 4.1.6).
  const transmitter = transmitters.find((candidate) => candidate.issuer === unverified.iss);
  if (transmitter === undefined) return refuse('invalid_issuer', 'The SET\'s iss is not a configured transmitter.');
  named = transmitter.issuer;
  // SSF 1.0 section 4.1.1.
  if (jwtType(header.typ) !== SET_TYPE) {
    return refuse('invalid_request', 'The SET\'s typ header is not secevent+jwt.');
  }
  const algorithms = [...(transmitter.algorithms ?? DEFAULT_ALGORITHMS)];
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) return refuse('invalid_key', 'The SET is signed with an algorithm that is not allowed.');
  let payload: JWTPayload;
  let until: number;
  try {
    ({ payload, acceptableUntil: until } = await verifyProviderJwt(token, keys, {
      issuer: transmitter.issuer,
      jwksUri: transmitter.jwksUri,
      metadataUrls: transmitterMetadataUrls(transmitter.issuer),
      now,
      maxAge: MAX_SET_AGE,
      algorithms,
      requiredClaims: ['iat'],
    }));
  } catch (error) {
    // Unlike a provider's logout token, a SET answered 503 is sent again: one naming a key published since the keys were fetched is not lost.
    const awaited = keyFetchAwaited(error, 'securityEvent()', 'the SET', transmitter.issuer);
    if (awaited !== undefined) throw awaited;
    const refusal = refusalOf(error);
    if (refusal === undefined) {
      throw new SessionError('KEYS_UNAVAILABLE', `securityEvent(): the keys of ${transmitter.issuer} could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return refuse(refusal[0], refusal[1]);
  }
  // SSF 1.0 sections 4.1.2, 4.1.3 and 4.1.7: no sub and no exp, against confusion with other JWTs.
  if (Object.hasOwn(payload, 'sub')) return refuse('invalid_request', 'The SET has a sub claim, which the Shared Signals Framework forbids.');
  if (Object.hasOwn(payload, 'exp')) return refuse('invalid_request', 'The SET has an exp claim, which the Shared Signals Framework forbids.');
  if (!audienceIsOurs(payload.aud, transmitter.audience)) return refuse('invalid_audience', 'The SET\'s aud does not name this receiver.');
  // Bounded: it becomes a store key.
  if (!isPrintableText(payload.jti, FEDERATED_LIMITS.idLength)) return refuse('invalid_request', 'The SET has no usable jti.');
  // SSF 1.0 section 4.2.1: one event.
  const events = isObject(payload['events']) ? payload['events'] : {};
  const types = Object.keys(events);
  if (types.length !== 1) return refuse('invalid_request', 'The SET does not carry exactly one event.');
  const eventType = types[0]!;
  const event = events[eventType];
  if (!isObject(event)) return refuse('invalid_request', 'The SET\'s event is not an object.');
  // Two subjects that differ would leave which one to act on to chance.
  if (payload['sub_id'] !== undefined && event['subject'] !== undefined && !sameSubject(payload['sub_id'], event['subject'])) {
    return refuse('invalid_request', 'The SET names two different subjects, in sub_id and in its event.');
  }
  const subject = payload['sub_id'] ?? event['subject'];
  return { ok: true, claims: { transmitter, jti: payload.jti, eventType, event, subject, acceptableUntil: until } };
}

// Subjects nested deeper than the stack can compare are not the same: refused, never thrown.
function sameSubject(one: unknown, other: unknown): boolean {
  try {
    return isDeepStrictEqual(one, other);
  } catch {
    return false;
  }
}

/** Whether `aud` (a string or a list) contains one of the transmitter's audiences. */
function audienceIsOurs(aud: unknown, ours: string | readonly string[]): boolean {
  const audiences: readonly unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const accepted: readonly string[] = typeof ours === 'string' ? [ours] : ours;
  return audiences.some((value) => typeof value === 'string' && accepted.includes(value));
}

// The back-channel logout's judgement of a verification error, in RFC 8935's codes.
const ERRORS: Readonly<Partial<Record<BackchannelRefusal, readonly [SecurityEventError, string]>>> = {
  unknown_key: ['invalid_key', 'The SET names a key the transmitter does not publish.'],
  bad_algorithm: ['invalid_key', 'The SET is signed with an algorithm that is not allowed.'],
  bad_signature: ['invalid_key', "The SET's signature does not verify with the transmitter's keys."],
  bad_iat: ['invalid_request', "The SET's iat is missing, in the future or more than 7 days old."],
  expired: ['invalid_request', "The SET's exp claim is not acceptable."],
  malformed: ['invalid_request', 'The SET is malformed.'],
};

/** The refusal a verification error means, or `undefined` when the keys could not be read (not the SET's fault). */
function refusalOf(error: unknown): readonly [SecurityEventError, string] | undefined {
  const refusal = tokenRefusalOf(error);
  return refusal === 'keys_unavailable' ? undefined : (ERRORS[refusal] ?? ERRORS.malformed!);
}
