import { SessionError } from '../errors.js';
import type { RpLogoutUrlOptions } from './api.js';
import { checkProviderUrl } from './provider-url.js';

/**
 * Builds the provider's RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0): send
 * the browser there after "sign out everywhere" to end the provider session too.
 * @throws {@link session-revocation!SessionError} `INVALID_INPUT` without an
 * `end_session_endpoint` or for a parameter that is not a string; `INVALID_CONFIGURATION` when
 * the endpoint is not https (plain http only on the loopback).
 * @example
 * ```ts
 * import { rpLogoutUrl } from 'session-revocation';
 * const url = rpLogoutUrl({ issuerMetadata: config.serverMetadata(), idTokenHint, postLogoutRedirectUri: 'https://app.example/signed-out' });
 * res.redirect(303, url);
 * ```
 */
export function rpLogoutUrl(options: RpLogoutUrlOptions): string {
  if (typeof options !== 'object' || options === null) throw new SessionError('INVALID_INPUT', 'rpLogoutUrl() needs an options object.');
  const endpoint = options.endSessionEndpoint ?? options.issuerMetadata?.end_session_endpoint;
  if (endpoint === undefined) throw new SessionError('INVALID_INPUT', 'rpLogoutUrl(): the provider has no end_session_endpoint (give endSessionEndpoint or issuerMetadata).');
  // The ID token goes in the query: never over plain http to another machine.
  const issuer = options.endSessionEndpoint === undefined ? options.issuerMetadata?.issuer : undefined;
  const url = checkProviderUrl(endpoint, 'rpLogoutUrl(): end_session_endpoint', typeof issuer === 'string' && URL.canParse(issuer) ? new URL(issuer) : undefined);
  const parameters: [string, unknown][] = [
    ['id_token_hint', options.idTokenHint],
    ['post_logout_redirect_uri', options.postLogoutRedirectUri],
    ['client_id', options.clientId],
    ['state', options.state],
  ];
  for (const [name, value] of parameters) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0) throw new SessionError('INVALID_INPUT', `rpLogoutUrl(): ${name} must be a non-empty string.`);
    url.searchParams.set(name, value);
  }
  return url.href;
}
