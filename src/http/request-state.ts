import type { AccessTokenClaims, AccessTokenFailureReason } from '../access-tokens/index.js';
import type { SessionManager } from '../manager/api.js';
import type { Session, ValidationFailureReason } from '../session.js';
import type { SessionCookie } from './cookies.js';
import type { Credential } from './credentials.js';
import type { ResolvedHttpOptions } from './options.js';
import type { HttpRequest } from './request.js';
import type { ResponseTarget } from './response.js';

/** The outcome of checking a request's credential. */
export type Authentication =
  | { readonly status: 'authenticated'; readonly session: Session | null; readonly claims: AccessTokenClaims | null; readonly rotatedToken?: string | undefined }
  | { readonly status: 'anonymous'; readonly reason: ValidationFailureReason | AccessTokenFailureReason }
  | { readonly status: 'unavailable'; readonly error: unknown };

/** Everything the layer knows about one request; kept beside its {@link RequestSessions}. */
export interface RequestState {
  readonly manager: SessionManager;
  readonly options: ResolvedHttpOptions;
  readonly request: HttpRequest;
  readonly target: ResponseTarget;
  readonly cookie: SessionCookie;
  readonly credential: Credential;
  auth: Authentication;
}
