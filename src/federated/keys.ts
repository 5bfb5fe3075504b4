import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { SessionError } from '../errors.js';
import { createProviderFetch, KeysUnavailable, readJson } from './provider-fetch.js';
import { checkProviderUrl } from './provider-url.js';

export { KeysUnavailable } from './provider-fetch.js';

// Each provider's keys, looked up once per manager: discovery gives `jwks_uri` (read once, kept
// for the manager's life), and jose's remote key set caches the keys (10 minutes) and fetches
// them again when a token names an unknown `kid`, at most once per 30 s cooldown. Every fetch
// goes through the manager's provider fetch: shared while under way, none for a while after a
// failure. Key sets are kept by JWKS URL, whatever asks for them.

const DISCOVERY_TIMEOUT = 5_000;

/** Raised when a token names a `kid` the provider's keys (fetched at most 30 s ago) lack. */
export class UnknownKey extends Error {}

/** A cache of key sets by JWKS URL, and of JWKS URLs by issuer. */
export interface IssuerKeys {
  /** The key set at a JWKS URL (https, or http on the loopback); its fetches fail with {@link KeysUnavailable}. */
  keysAt(jwksUri: string): JWTVerifyGetKey;
  /**
   * The key set of the issuer: at `jwksUri`, else at the `jwks_uri` of the first metadata
   * document of `metadataUrls` that can be read (by default OpenID Connect discovery,
   * `<issuer>/.well-known/openid-configuration`); rejects with {@link KeysUnavailable} (or the
   * provider's misconfiguration) when discovery fails.
   */
  keysOf(issuer: string, jwksUri: string | undefined, metadataUrls?: readonly string[]): Promise<JWTVerifyGetKey>;
}

// A token naming a kid the provider's keys lack is refused as the token's fault, whether jose
// has just fetched the keys again or is within its 30 s cooldown (which anyone can start with
// a made-up kid): a provider is expected to publish a key before it signs with it. The kid is
// left out of the error: it is the sender's text. A kid jose holds (another signature, another
// algorithm) stays a bad signature.
function withUnknownKid(remote: ReturnType<typeof createRemoteJWKSet>): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      const kid = header.kid;
      const held = remote.jwks()?.keys ?? [];
      if (error instanceof errors.JWKSNoMatchingKey && typeof kid === 'string' && !held.some((key) => key.kid === kid)) {
        throw new UnknownKey('The token names a key the provider does not publish.', { cause: error });
      }
      throw error;
    }
  };
}

/**
 * Creates an empty cache for one manager.
 *
 * @param options - The manager's clock (the back-off after a failed fetch is measured with
 * it) and where to report, once per issuer, a provider whose metadata names another issuer.
 * @returns The cache.
 */
export function createIssuerKeys({ clock, onError }: { clock: () => number; onError: (error: unknown) => void }): IssuerKeys {
  const fetchOnce = createProviderFetch(clock);
  const keySets = new Map<string, JWTVerifyGetKey>();
  const discovered = new Map<string, string>();
  const misnamed = new Set<string>();
  // jose's own fetch turns a JWKS answering 5xx, a redirect or a page that is not JSON into a
  // plain JOSEError, which reads like a bad token: here every failure to read the keys is the provider's.
  const fetchKeySet = async (url: string, init: RequestInit): Promise<Response> => Response.json(await fetchOnce(url, () => readJson(url, init)));

  const discover = async (issuer: string, url: string): Promise<string> => {
    let metadata: unknown;
    try {
      metadata = await readJson(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT), redirect: 'error', headers: { accept: 'application/json' } });
    } catch (error) {
      throw error instanceof KeysUnavailable ? error : new KeysUnavailable(`${url} could not be read.`, { cause: error });
    }
    const { issuer: named, jwks_uri: jwksUri } = (metadata ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery: the metadata's issuer must be the one asked for. A near miss
    // (a trailing slash) is a configuration to correct, said once with both values.
    if (typeof named === 'string' && named !== issuer) {
      const error = new SessionError('INVALID_CONFIGURATION', `${url} names the issuer ${JSON.stringify(named.slice(0, 200))}, but ${JSON.stringify(issuer)} is configured: configure the issuer exactly as the provider names it (its tokens carry it as iss).`);
      if (!misnamed.has(issuer)) {
        misnamed.add(issuer);
        onError(error);
      }
      throw error;
    }
    if (named !== issuer || typeof jwksUri !== 'string') throw new KeysUnavailable(`${url} does not describe ${issuer} with a jwks_uri.`);
    checkProviderUrl(jwksUri, `The jwks_uri of ${url}`);
    return jwksUri;
  };

  const keysAt = (jwksUri: string): JWTVerifyGetKey => {
    let keys = keySets.get(jwksUri);
    if (keys === undefined) {
      const url = checkProviderUrl(jwksUri, 'The JWKS URL');
      keys = withUnknownKid(createRemoteJWKSet(url, { [customFetch]: fetchKeySet }));
      keySets.set(jwksUri, keys);
    }
    return keys;
  };

  return {
    keysAt,
    async keysOf(issuer, jwksUri, metadataUrls = [`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`]) {
      if (jwksUri !== undefined) return keysAt(jwksUri);
      const cacheKey = JSON.stringify([issuer, metadataUrls]);
      let uri = discovered.get(cacheKey);
      // The next document is tried only when one cannot be read (a transmitter publishing the
      // older RISC name); one that names another issuer is a configuration to correct.
      for (let index = 0; uri === undefined; index++) {
        const url = metadataUrls[index]!;
        try {
          uri = await fetchOnce(url, () => discover(issuer, url));
        } catch (error) {
          if (!(error instanceof KeysUnavailable) || index === metadataUrls.length - 1) throw error;
        }
      }
      discovered.set(cacheKey, uri);
      return keysAt(uri);
    },
  };
}
