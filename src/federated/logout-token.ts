import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions, type ProtectedHeaderParameters } from 'jose';
import type { BackchannelIssuer, BackchannelRefusal, BackchannelRefusalReport } from './api.js';
import { isPrintableText } from '../core/checks.js';
import { isObject } from '../option-checks.js';
import { keysUnreadable, UnknownKey, type IssuerKeys } from './keys.js';
import { FEDERATED_LIMITS } from '../store-records.js';

/** Largest logout token accepted, in characters; a provider's are under 2 KB. */
export const MAX_LOGOUT_TOKEN_LENGTH = 8 * 1024;
/** How far a provider's clock may run ahead or behind ours, in ms. */
const CLOCK_TOLERANCE = 60_000;
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** Asymmetric algorithms only: a provider's keys are public, so HMAC with one would be forgeable. */
export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS384', 'RS512', 'PS384', 'PS512'];

/** A JWT's `typ` as a media type compares, without case and `application/` (RFC 7515 section 4.1.9); `undefined` for no text. */
export const jwtType = (typ: unknown): string | undefined => (typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined);

const SYMMETRIC_OR_NONE = /^(none|HS\d+)$/i;

/** What is wrong with a configured `algorithms` list (asymmetric ones jose supports), or `undefined`. */
export function algorithmsProblem(algorithms: unknown, holder: string): string | undefined {
  if (algorithms === undefined) return undefined;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((alg) => typeof alg === 'string')) return 'algorithms must be a non-empty list of names.';
  const refused = algorithms.find((alg) => SYMMETRIC_OR_NONE.test(alg));
  if (refused !== undefined) return `algorithm "${refused}" is refused: ${holder}'s keys are public, so only asymmetric algorithms are safe.`;
  const unknownAlg = algorithms.find((alg) => !DEFAULT_ALGORITHMS.includes(alg));
  return unknownAlg === undefined ? undefined : `algorithm "${unknownAlg}" is not supported.`;
}

/** A JWT's header and claims, unverified; `undefined` when it is not a signed JWT (an encrypted one included). */
export function decodeUnverified(token: string): { header: ProtectedHeaderParameters; claims: JWTPayload } | undefined {
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    return undefined;
  }
}

/** The provider whose keys verify a JWT, and jose's checks beyond them; `maxAge` (ms) bounds how old `iat` may be. */
interface ProviderJwtChecks extends Pick<JWTVerifyOptions, 'algorithms' | 'audience' | 'requiredClaims'> {
  readonly issuer: string;
  readonly jwksUri: string | undefined;
  readonly metadataUrls?: readonly string[];
  readonly now: number;
  readonly maxAge: number;
}

/** Verifies a provider's JWT with the keys it publishes; with its claims, the first instant (ms) it is refused for its age. */
export async function verifyProviderJwt(token: string, keys: IssuerKeys, { issuer, jwksUri, metadataUrls, now, maxAge, ...checks }: ProviderJwtChecks): Promise<{ payload: JWTPayload; acceptableUntil: number }> {
  const keySet = await keys.keysOf(issuer, jwksUri, metadataUrls);
  const options = { ...checks, issuer, currentDate: new Date(now), clockTolerance: CLOCK_TOLERANCE / 1000, maxTokenAge: maxAge / 1000 };
  const { payload } = await jwtVerify(token, keySet, options).catch((error: unknown) => (error instanceof errors.JWKSMultipleMatchingKeys ? verifyWithEach(token, error, options) : Promise.reject(error)));
  return { payload, acceptableUntil: acceptableUntil(payload.iat!, maxAge) };
}

// A token without a kid that several published keys fit (RFC 7515 allows it): jose hands back the keys, to try in turn.
async function verifyWithEach(token: string, candidates: errors.JWKSMultipleMatchingKeys, options: JWTVerifyOptions) {
  for await (const key of candidates) {
    try {
      return await jwtVerify(token, key, options);
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
    }
  }
  throw new errors.JWSSignatureVerificationFailed();
}

/** A token that passed every check but the replay guard. */
export interface LogoutClaims {
  readonly iss: string;
  readonly jti: string;
  readonly sid?: string | undefined;
  readonly sub?: string | undefined;
  /** The first instant (ms) the token is no longer accepted: how long its `jti` must be remembered. */
  readonly acceptableUntil: number;
}

type Checked = { readonly ok: true; readonly claims: LogoutClaims } | { readonly ok: false; readonly refusal: BackchannelRefusalReport };

/** Checks a logout token; `issuers` and `maxTokenAge` were checked by the caller. */
export async function checkLogoutToken(token: unknown, { issuers, maxTokenAge, now, keys }: { issuers: readonly BackchannelIssuer[]; maxTokenAge: number; now: number; keys: IssuerKeys }): Promise<Checked> {
  let named: string | undefined;
  const refuse = (reason: BackchannelRefusal, cause?: unknown): Checked => ({ ok: false, refusal: cause === undefined ? { reason, issuer: named } : { reason, issuer: named, cause } });
  if (typeof token !== 'string' || token.length === 0) return refuse('missing');
  if (token.length > MAX_LOGOUT_TOKEN_LENGTH) return refuse('too_large');
  const decoded = decodeUnverified(token);
  if (decoded === undefined) return refuse('malformed');
  const { header, claims } = decoded;
  // Exact match: the issuer picks the keys. Its entries differ only by client id.
  const entries = issuers.filter((candidate) => candidate.issuer === claims.iss);
  const issuer = entries[0];
  if (issuer === undefined) {
    return isPrintableText(claims.iss, FEDERATED_LIMITS.issLength) ? { ok: false, refusal: { reason: 'unknown_issuer', issuer: undefined, tokenIssuer: claims.iss } } : refuse('unknown_issuer');
  }
  named = issuer.issuer;
  const algorithms = [...(issuer.algorithms ?? DEFAULT_ALGORITHMS)];
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) return refuse('bad_algorithm');
  // Section 2.4.
  if (header.typ !== undefined && jwtType(header.typ) !== 'logout+jwt') return refuse('bad_type');
  let payload: JWTPayload;
  let until: number;
  try {
    ({ payload, acceptableUntil: until } = await verifyProviderJwt(token, keys, { issuer: issuer.issuer, jwksUri: issuer.jwksUri, now, maxAge: maxTokenAge, algorithms, requiredClaims: ['iat'] }));
  } catch (error) {
    const reason = refusalOf(error);
    return refuse(reason, reason === 'keys_unavailable' ? error : undefined);
  }
  if (!audienceIsOurs(payload, entries.map((entry) => entry.clientId))) return refuse('bad_audience');
  if (!isPrintableText(payload.jti, FEDERATED_LIMITS.idLength)) return refuse('missing_jti');
  const events = payload['events'];
  if (!isObject(events) || !Object.hasOwn(events, BACKCHANNEL_LOGOUT_EVENT) || !isObject(events[BACKCHANNEL_LOGOUT_EVENT])) return refuse('missing_event');
  if (Object.hasOwn(payload, 'nonce')) return refuse('nonce_present');
  const { sid, sub } = payload as { sid?: unknown; sub?: unknown };
  if (sid === undefined && sub === undefined) return refuse('missing_subject');
  if (sid !== undefined && !isPrintableText(sid, FEDERATED_LIMITS.idLength)) return refuse('missing_subject');
  if (sub !== undefined && !isPrintableText(sub, FEDERATED_LIMITS.subLength)) return refuse('missing_subject');
  return { ok: true, claims: { iss: issuer.issuer, jti: payload.jti, sid, sub, acceptableUntil: until } };
}

// `aud` and `azp` as OpenID Connect Core 1.0 (3.1.3.7) checks an ID token's, strictly: every audience and any `azp` ours, an `azp` when there are several.
function audienceIsOurs(payload: JWTPayload, clientIds: readonly string[]): boolean {
  const { aud, azp } = payload as { aud?: unknown; azp?: unknown };
  const audiences: readonly unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const ours = (value: unknown): boolean => typeof value === 'string' && clientIds.includes(value);
  if (audiences.length === 0 || !audiences.every(ours)) return false;
  if (azp !== undefined && !ours(azp)) return false;
  return audiences.length === 1 || audiences.includes(azp);
}

/** The first instant (ms) jose refuses a token issued at `iat` (s) for its age; jose compares whole seconds, so it ends after the last one. */
export function acceptableUntil(iat: number, maxTokenAge: number): number {
  return (Math.floor((iat * 1000 + maxTokenAge + CLOCK_TOLERANCE) / 1000) + 1) * 1000;
}

/** The refusal a verification error means; `keys_unavailable` when the provider, not the token, failed. */
export function refusalOf(error: unknown): BackchannelRefusal {
  if (error instanceof UnknownKey) return 'unknown_key';
  if (keysUnreadable(error)) return 'keys_unavailable';
  // jose reports a token older than maxTokenAge as expired, naming iat.
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'bad_iat' : 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return error.claim === 'iat' ? 'bad_iat' : error.claim === 'exp' ? 'expired' : 'malformed';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'bad_algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'bad_signature';
  if (error instanceof errors.JOSEError) return 'malformed';
  // Anything else came from the provider's keys (a key jose could not import): not the token.
  return 'keys_unavailable';
}
