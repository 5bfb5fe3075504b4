import { SessionError } from '../../errors.js';
import { isPrintableText } from '../../core/checks.js';
import type { IssuerKeys } from '../../federated/keys.js';
import { decodeUnverified, DEFAULT_ALGORITHMS, jwtType, refusalOf, verifyProviderJwt } from '../../federated/logout-token.js';
import { FEDERATED_LIMITS } from '../../store-records.js';
import { wellKnownUrls } from '../discovery.js';
import { keyFetchAwaited } from '../token.js';
import type { GlobalTokenRevocationIssuer } from './api.js';

/** How old a bearer's `iat` may be, in ms: the provider sends it at once. */
const MAX_BEARER_AGE = 5 * 60_000;
/** Longest bearer taken, in characters; a provider's are under 2 KB. */
const MAX_BEARER_LENGTH = 8 * 1024;

/** A bearer's verdict: the issuer that signed it and its `jti` with how long it must be remembered, or why it was refused. */
type BearerCheck =
  | { readonly ok: true; readonly issuer: string; readonly jti: string; readonly acceptableUntil: number }
  | { readonly ok: false; readonly reason: 'missing_bearer' | 'invalid_bearer' };

/** Where a provider's metadata may be, in order: OpenID Connect Discovery, else RFC 8414. */
export function providerMetadataUrls(issuer: string): readonly string[] {
  return [`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, ...wellKnownUrls(issuer, ['oauth-authorization-server'])];
}

// Access tokens (RFC 9068), Security Event Tokens (RFC 8417), logout tokens (OpenID Connect Back-Channel Logout): the types
// a provider's other tokens carry; another unknown type still needs this endpoint's aud.
const OTHER_USES: ReadonlySet<string> = new Set(['at+jwt', 'secevent+jwt', 'logout+jwt']);

/** Verifies a request's bearer JWT as `globalTokenRevocation()` describes; throws only `KEYS_UNAVAILABLE` (the provider's fault: 503). */
export async function checkRevocationBearer(
  token: unknown,
  { issuers, endpointUrl, now, keys }: { issuers: readonly GlobalTokenRevocationIssuer[]; endpointUrl: string | undefined; now: number; keys: IssuerKeys },
): Promise<BearerCheck> {
  if (token === undefined || token === '') return { ok: false, reason: 'missing_bearer' };
  if (typeof token !== 'string' || token.length > MAX_BEARER_LENGTH) return { ok: false, reason: 'invalid_bearer' };
  const decoded = decodeUnverified(token);
  const alg = decoded?.header.alg;
  // Before any key is fetched: an unsigned or HMAC token costs the provider nothing.
  if (typeof alg !== 'string' || !DEFAULT_ALGORITHMS.includes(alg)) return { ok: false, reason: 'invalid_bearer' };
  // A token the issuer made for another use (RFC 8725 section 3.11), whose audience happens to be ours.
  if (OTHER_USES.has(jwtType(decoded!.header.typ) ?? '')) return { ok: false, reason: 'invalid_bearer' };
  // Exact match: the issuer picks the keys, so it is never normalised.
  const issuer = issuers.find((candidate) => candidate.issuer === decoded!.claims.iss);
  const audience = issuer?.audience ?? endpointUrl;
  if (issuer === undefined || audience === undefined) return { ok: false, reason: 'invalid_bearer' };
  try {
    const { payload, acceptableUntil } = await verifyProviderJwt(token, keys, { issuer: issuer.issuer, jwksUri: issuer.jwksUri, metadataUrls: providerMetadataUrls(issuer.issuer), now, maxAge: MAX_BEARER_AGE, algorithms: [...DEFAULT_ALGORITHMS], audience, requiredClaims: ['iat', 'exp'] });
    // Without a jti the bearer could be sent again at will while it is valid; bounded, as it becomes a store key.
    return isPrintableText(payload.jti, FEDERATED_LIMITS.idLength) ? { ok: true, issuer: issuer.issuer, jti: payload.jti, acceptableUntil } : { ok: false, reason: 'invalid_bearer' };
  } catch (error) {
    // Answered 503 as a SET is: a provider that signs with a key published since the last fetch sends it again.
    const awaited = keyFetchAwaited(error, 'globalTokenRevocation()', 'the bearer', issuer.issuer);
    if (awaited !== undefined) throw awaited;
    if (refusalOf(error) !== 'keys_unavailable') return { ok: false, reason: 'invalid_bearer' };
    throw new SessionError('KEYS_UNAVAILABLE', `globalTokenRevocation(): the keys of the bearer's issuer could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
