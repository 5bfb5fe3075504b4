import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { isSessionError, SessionError } from '../errors.js';
import { getOrAdd } from '../get-or-add.js';
import { isObject } from '../option-checks.js';
import { createProviderFetch, KeysUnavailable, readJson } from './provider-fetch.js';
import { checkProviderUrl } from './provider-url.js';

const DISCOVERY_TIMEOUT = 5_000;

/**
 * The most keys a token is tried with one by one (every published key for one without a `kid`, those of its `kid` for one naming it): anyone
 * can send such a token, and each key tried is a signature check and an import; past it, the token is refused and must name one key.
 */
const MAX_KEYS_TRIED = 16;

/** Raised when a token names a `kid` the provider's keys lack; `beforeFetch`: fetched (or being fetched) before it came and not again (jose's 30 s refetch cooldown), so a key published since is not seen yet. */
export class UnknownKey extends Error {
  constructor(readonly beforeFetch: boolean, options: ErrorOptions) {
    super('The token names a key the provider does not publish.', options);
  }
}

/** A cache of key sets by JWKS URL, and of JWKS URLs by issuer. */
export interface IssuerKeys {
  /** The issuer's key set: at `jwksUri`, else at the `jwks_uri` of the first readable document of `metadataUrls` (by default OpenID Connect discovery). */
  keysOf(issuer: string, jwksUri: string | undefined, metadataUrls?: readonly string[]): Promise<JWTVerifyGetKey>;
}

/** Whether a verification failed because the provider's keys could not be read (a SessionError: its metadata misnames its issuer or names a plain http jwks_uri), not because of the token. */
export const keysUnreadable = (error: unknown): boolean => error instanceof KeysUnavailable || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || isSessionError(error);

// A kid the provider's keys lack is the token's fault (a provider publishes a key before it signs with it); the kid, the sender's text, is left out.
// A provider that cannot be read (jose fetches again before each token once its keys are 10 minutes old) leaves the keys held in use: a token naming another kid still fails closed.
function withUnknownKid(remote: ReturnType<typeof createRemoteJWKSet>): JWTVerifyGetKey {
  return async (header, token) => {
    const beforeFetch = remote.coolingDown || remote.reloading;
    try {
      return await remote(header, token);
    } catch (error) {
      const kid = header.kid;
      const held = remote.jwks()?.keys ?? [];
      const tried = typeof kid === 'string' ? held.filter((key) => key.kid === kid).length : held.length;
      if (keysUnreadable(error) && tried > 0) {
        return createLocalJWKSet(remote.jwks()!)(header, token).catch((failure: unknown) => Promise.reject(triedOnlyIfFew(failure, tried)));
      }
      if (error instanceof errors.JWKSNoMatchingKey && typeof kid === 'string' && tried === 0) throw new UnknownKey(beforeFetch, { cause: error });
      throw triedOnlyIfFew(error, tried);
    }
  };
}

// Several keys fit a token (no kid, or a kid two keys share): jose hands them back to be tried in turn, as long as they are few.
const triedOnlyIfFew = (error: unknown, candidates: number): unknown =>
  error instanceof errors.JWKSMultipleMatchingKeys && candidates > MAX_KEYS_TRIED ? new errors.JWSSignatureVerificationFailed() : error;

function keySet(url: string, json: unknown): unknown {
  if (!isObject(json) || !Array.isArray(json['keys']) || !json['keys'].every(isObject)) throw new KeysUnavailable(`${url} is not a JSON Web Key Set.`);
  return json;
}

/** An empty cache for one manager; a provider whose metadata names another issuer is reported to `onError` once. */
export function createIssuerKeys({ clock, onError }: { clock: () => number; onError: (error: unknown) => void }): IssuerKeys {
  const fetchOnce = createProviderFetch(clock);
  const keySets = new Map<string, JWTVerifyGetKey>();
  const discovered = new Map<string, string>();
  const misnamed = new Set<string>();
  // jose's own fetch would report a JWKS that fails as a plain JOSEError, which reads like a bad token. JSON that is no
  // key set fails inside fetchOnce, so it is not fetched again during the back-off either.
  const fetchKeySet = async (url: string, init: RequestInit): Promise<Response> => Response.json(await fetchOnce(url, () => readJson(url, init).then((json) => keySet(url, json))));

  const discover = async (issuer: string, url: string): Promise<string> => {
    const metadata = await readJson(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT), redirect: 'error', headers: { accept: 'application/json' } }).catch((error: unknown) => {
      throw error instanceof KeysUnavailable ? error : new KeysUnavailable(`${url} could not be read.`, { cause: error });
    });
    const { issuer: named, jwks_uri: jwksUri } = (metadata ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery: the metadata's issuer must be the one asked for.
    if (typeof named === 'string' && named !== issuer) {
      const error = new SessionError('INVALID_CONFIGURATION', `${url} names the issuer ${JSON.stringify(named.slice(0, 200))}, but ${JSON.stringify(issuer)} is configured: configure the issuer exactly as the provider names it (its tokens carry it as iss).`);
      if (!misnamed.has(issuer)) {
        misnamed.add(issuer);
        onError(error);
      }
      throw error;
    }
    if (named !== issuer || typeof jwksUri !== 'string') throw new KeysUnavailable(`${url} does not describe ${issuer} with a jwks_uri.`);
    checkProviderUrl(jwksUri, `The jwks_uri of ${url}`, new URL(url));
    return jwksUri;
  };

  const keysAt = (jwksUri: string): JWTVerifyGetKey =>
    getOrAdd(keySets, jwksUri, () => withUnknownKid(createRemoteJWKSet(checkProviderUrl(jwksUri, 'The JWKS URL'), { [customFetch]: fetchKeySet })));

  return {
    async keysOf(issuer, jwksUri, metadataUrls = [`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`]) {
      if (jwksUri !== undefined) return keysAt(jwksUri);
      const cacheKey = JSON.stringify([issuer, metadataUrls]);
      let uri = discovered.get(cacheKey);
      // The next document is tried only when one cannot be read (a transmitter's older RISC name).
      for (let index = 0; uri === undefined; index++) {
        const url = metadataUrls[index]!;
        try {
          // Joined per issuer: the document is judged against the issuer asked for.
          uri = await fetchOnce(url, () => discover(issuer, url), JSON.stringify([issuer, url]));
        } catch (error) {
          if (!(error instanceof KeysUnavailable) || index === metadataUrls.length - 1) throw error;
        }
      }
      discovered.set(cacheKey, uri);
      return keysAt(uri);
    },
  };
}
