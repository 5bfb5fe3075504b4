import type { SessionManager } from '../manager/api.js';
import type { ResolvedHttpOptions } from './options.js';
import type { GlobalTokenRevocationOptions, GlobalTokenRevocationRefusal } from '../security-events/universal-logout/api.js';
import { awaitsKeyFetch } from '../security-events/token.js';
import { readJsonBody } from './body.js';
import { bearerCredentials } from './credentials.js';
import { report } from './report.js';
import { mediaType, type HttpRequest } from './request.js';
import { emptyResponse, jsonResponse, methodNotAllowedResponse, temporarilyUnavailableResponse, type HttpResponse } from './response.js';

/** The JSON body of the largest request taken, in bytes: a subject is a few hundred. */
const BODY_LIMIT = 16 * 1024;

const invalidToken = (): HttpResponse => jsonResponse(401, { error: 'invalid_token' }, { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
const ANSWERS: Record<GlobalTokenRevocationRefusal, () => HttpResponse> = {
  missing_bearer: () => jsonResponse(401, { error: 'unauthorized' }, { headers: { 'www-authenticate': 'Bearer' } }),
  invalid_bearer: invalidToken,
  replayed: invalidToken,
  invalid_request: () =>
    jsonResponse(400, {
      error: 'invalid_request',
      error_description: 'The body must be { "sub_id": { "format": "email", "email" } } or { "sub_id": { "format": "iss_sub", "iss", "sub" } } as application/json, at most 16 KB.',
    }),
  // A well-formed request the bearer is not allowed to make: the draft's 403, RFC 6750's insufficient_scope.
  other_issuer: () =>
    jsonResponse(
      403,
      { error: 'insufficient_scope', error_description: "The bearer's issuer signs out only its own users: the iss_sub names a user of another issuer." },
      { headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } },
    ),
  user_not_found: () => jsonResponse(404, { error: 'user_not_found' }),
};

/** Answers `POST <prefix>/global-token-revocation` as Universal Logout (draft "Global Token Revocation") section 3.4 says and `createSessionRoutes` documents, with the checked options; `sessions.globalTokenRevocation()` decides. */
export function createGlobalTokenRevocationRoute(manager: SessionManager, options: GlobalTokenRevocationOptions): (request: HttpRequest, resolved: ResolvedHttpOptions) => Promise<HttpResponse> {
  return async function globalTokenRevocation(request, resolved) {
    if (request.method !== 'POST') return methodNotAllowedResponse('POST');
    // Another content type is no body: the manager answers it after the bearer.
    const body = mediaType(request) === 'application/json' ? await readJsonBody(request, BODY_LIMIT) : undefined;
    try {
      const result = await manager.globalTokenRevocation(bearerCredentials(request.header('authorization')), body, options);
      return result.ok ? emptyResponse(204) : ANSWERS[result.reason]();
    } catch (error) {
      if (!awaitsKeyFetch(error)) report(resolved.onError, error);
      return temporarilyUnavailableResponse(resolved.retryAfter);
    }
  };
}
