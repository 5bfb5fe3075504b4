import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { checkProviderUrl } from './provider-url.js';

// Each provider's keys, looked up once per manager: discovery gives `jwks_uri` (read once, kept
// for the manager's life), and jose's remote key set caches the keys (10 minutes) and fetches
// them again when a token names an unknown `kid`, at most once per 30 s cooldown, so forged
// kids cannot make the app hammer the provider.

const DISCOVERY_TIMEOUT = 5_000;

/** Raised when the provider's metadata or keys cannot be fetched: not the token's fault. */
export class KeysUnavailable extends Error {}

/** Raised when a token names a `kid` the provider's keys (fetched at most 30 s ago) lack. */
export class UnknownKey extends Error {}

/** A cache of key sets by issuer and JWKS URL. */
export interface IssuerKeys {
  /** The key set of the issuer; rejects with {@link KeysUnavailable} when discovery fails. */
  keysOf(issuer: string, jwksUri: string | undefined): Promise<JWTVerifyGetKey>;
}

// The provider's JSON at `url`; any failure to read it is the provider's (KeysUnavailable), but
// a timeout stays a TimeoutError for jose to report as JWKSTimeout.
async function readJson(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') throw error;
    throw new KeysUnavailable(`${url} could not be reached.`, { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new KeysUnavailable(`${url} answered ${response.status}.`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new KeysUnavailable(`${url} did not answer JSON.`, { cause: error });
  }
}

// jose's own fetch turns a JWKS answering 5xx, a redirect or a page that is not JSON into a
// plain JOSEError, which reads like a bad token: here every failure to read the keys is the provider's.
const fetchKeySet = async (url: string, init: RequestInit): Promise<Response> => Response.json(await readJson(url, init));

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

/** Creates an empty cache; a failed discovery is not cached, so the next token tries again. */
export function createIssuerKeys(): IssuerKeys {
  const cache = new Map<string, Promise<JWTVerifyGetKey>>();
  const discover = async (issuer: string): Promise<string> => {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let metadata: unknown;
    try {
      metadata = await readJson(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT), redirect: 'error', headers: { accept: 'application/json' } });
    } catch (error) {
      throw error instanceof KeysUnavailable ? error : new KeysUnavailable(`${url} could not be read.`, { cause: error });
    }
    const { issuer: named, jwks_uri: jwksUri } = (metadata ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery: the metadata's issuer must be the one asked for.
    if (named !== issuer || typeof jwksUri !== 'string') throw new KeysUnavailable(`${url} does not describe ${issuer} with a jwks_uri.`);
    checkProviderUrl(jwksUri, `The jwks_uri of ${url}`);
    return jwksUri;
  };
  return {
    keysOf(issuer, jwksUri) {
      const key = JSON.stringify([issuer, jwksUri ?? null]);
      let keys = cache.get(key);
      if (keys === undefined) {
        keys = (jwksUri === undefined ? discover(issuer) : Promise.resolve(jwksUri)).then((uri) =>
          withUnknownKid(createRemoteJWKSet(new URL(uri), { [customFetch]: fetchKeySet })),
        );
        cache.set(key, keys);
        keys.catch(() => cache.delete(key));
      }
      return keys;
    },
  };
}
