import { SessionError } from '../errors.js';

// An identity provider's URLs (issuer, JWKS, end-session endpoint) carry what decides who is
// signed out, and an ID token on the way to logout: over plain http anyone on the path could
// swap the keys or read the token. Plain http is for a provider on this machine only.

const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether a parsed URL's host is this machine: 127.0.0.0/8, ::1 or localhost. */
function isLoopback(url: URL): boolean {
  // The URL parser has already normalised the host (`127.1`, `0x7f000001`, `[0:0::1]`, `LOCALHOST`).
  return url.hostname === 'localhost' || url.hostname === '[::1]' || LOOPBACK_IPV4.test(url.hostname);
}

/**
 * Checks a provider URL before it is fetched or a browser is sent to it: an absolute https URL,
 * or plain http on the loopback (a provider started for development or tests).
 *
 * @param value - The URL as configured or as the provider's metadata gave it.
 * @param name - What it is, for the message (`backchannelLogout(): issuer`).
 * @returns The parsed URL.
 * @throws {@link SessionError} `INVALID_CONFIGURATION` naming the URL and what to do.
 */
export function checkProviderUrl(value: unknown, name: string): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new SessionError('INVALID_CONFIGURATION', `${name} must be an absolute https URL, not ${JSON.stringify(String(value).slice(0, 200))}.`);
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw new SessionError(
      'INVALID_CONFIGURATION',
      `${name} (${url.href}) is plain http: use the provider's https URL (plain http is accepted only on this machine: 127.0.0.0/8, ::1, localhost).`,
    );
  }
  return url;
}
