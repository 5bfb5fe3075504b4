import type { SessionManager } from '../manager/api.js';
import type { Authentication } from './authenticate.js';
import type { SessionCookie } from './cookies.js';
import type { Credential } from './credentials.js';
import type { ResolvedHttpOptions } from './options.js';
import type { HttpRequest } from './request.js';
import type { ResponseTarget } from './response.js';

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
