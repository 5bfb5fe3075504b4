import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { isFederatedText } from '../federated/input.js';
import type { IssuerKeys } from '../federated/keys.js';
import { acceptableUntil, CLOCK_TOLERANCE, DEFAULT_ALGORITHMS, refusalOf } from '../federated/logout-token.js';
import { FEDERATED_LIMITS } from '../store-records.js';
import type { GlobalTokenRevocationIssuer } from './api.js';

/** How old a bearer's `iat` may be, in ms: the provider sends it at once. */
export const MAX_BEARER_AGE = 5 * 60_000;
/** Longest bearer taken, in characters; a provider's are under 2 KB. */
export const MAX_BEARER_LENGTH = 8 * 1024;

/** Why a bearer was refused: `missing` (no `Bearer` credentials), `invalid`, or `keys_unavailable` (the provider's fault: 503). */
export type BearerRefusal = 'missing' | 'invalid' | 'keys_unavailable';

/** A bearer's verdict: the issuer that signed it, and its `jti` with how long it must be remembered. */
export type BearerCheck =
  | { readonly ok: true; readonly issuer: string; readonly jti: string; readonly acceptableUntil: number }
  | { readonly ok: false; readonly refusal: BearerRefusal; readonly cause?: unknown };

/** Where a provider's metadata may be, in order: OpenID Connect Discovery, else RFC 8414. */
export function metadataUrlsOf(issuer: string): readonly string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return [`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server${path}`];
}

/** The credentials of `Authorization: Bearer <token>` (scheme without case), or `undefined`. */
export function bearerCredentials(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Verifies a request's bearer JWT as `globalTokenRevocation()` describes; never throws. */
export async function checkRevocationBearer(
  token: unknown,
  { issuers, endpointUrl, now, keys }: { issuers: readonly GlobalTokenRevocationIssuer[]; endpointUrl: string | undefined; now: number; keys: IssuerKeys },
): Promise<BearerCheck> {
  if (token === undefined || token === '') return { ok: false, refusal: 'missing' };
  if (typeof token !== 'string' || token.length > MAX_BEARER_LENGTH) return { ok: false, refusal: 'invalid' };
  let claimed: unknown;
  let alg: unknown;
  try {
    claimed = decodeJwt(token).iss;
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return { ok: false, refusal: 'invalid' };
  }
  // Before any key is fetched: an unsigned or HMAC token costs the provider nothing.
  if (typeof alg !== 'string' || !DEFAULT_ALGORITHMS.includes(alg)) return { ok: false, refusal: 'invalid' };
  // Exact match: the issuer picks the keys, so it is never normalised.
  const issuer = issuers.find((candidate) => candidate.issuer === claimed);
  const audience = issuer?.audience ?? endpointUrl;
  if (issuer === undefined || audience === undefined) return { ok: false, refusal: 'invalid' };
  let payload: JWTPayload;
  try {
    const keySet = await keys.keysOf(issuer.issuer, issuer.jwksUri, metadataUrlsOf(issuer.issuer));
    ({ payload } = await jwtVerify(token, keySet, {
      algorithms: [...DEFAULT_ALGORITHMS],
      issuer: issuer.issuer,
      audience,
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE / 1000,
      maxTokenAge: MAX_BEARER_AGE / 1000,
      requiredClaims: ['iat', 'exp'],
    }));
  } catch (error) {
    return refusalOf(error) === 'keys_unavailable' ? { ok: false, refusal: 'keys_unavailable', cause: error } : { ok: false, refusal: 'invalid' };
  }
  // Without a jti the bearer could be sent again at will while it is valid; bounded, as it becomes a store key.
  if (!isFederatedText(payload.jti, FEDERATED_LIMITS.idLength)) return { ok: false, refusal: 'invalid' };
  return { ok: true, issuer: issuer.issuer, jti: payload.jti, acceptableUntil: acceptableUntil(payload.iat!, MAX_BEARER_AGE) };
}
