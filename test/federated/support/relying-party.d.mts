import type * as oidc from 'openid-client';
import type { RequestSessions } from '../../../src/http/index.js';

/** The app's side of the OpenID Connect sign-in. */
export interface RelyingParty {
  configuration(): Promise<oidc.Configuration>;
  /** Where to send the browser to sign in. */
  login(): Promise<URL>;
  /** Completes the sign-in at the redirect URI: the ID token and its claims. */
  callback(currentUrl: URL): Promise<{ idToken: string; claims: oidc.IDToken }>;
}

/** The sign-in of the app at `appUrl` (redirect URI `<appUrl>/callback`), registered as `clientId`. */
export function relyingParty(issuer: string, clientId: string, appUrl: string): RelyingParty;

/** Signs the user in with the library, remembering the provider session it came from. */
export function finishSignIn(
  rp: RelyingParty,
  sessions: Pick<RequestSessions, 'signIn'>,
  currentUrl: URL,
): Promise<{ idToken: string; sid: string | undefined }>;
