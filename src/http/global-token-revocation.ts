import { createIssuerKeys, type IssuerKeys } from '../federated/keys.js';
import type { SessionManager } from '../manager/api.js';
import type { GlobalTokenRevocationOptions } from '../universal-logout/api.js';
import { checkRevocationBearer } from '../universal-logout/bearer.js';
import { readSubjectId } from '../universal-logout/subject.js';
import { readJsonBody } from './body.js';
import { ownOrigin } from './proxy.js';
import { report } from './report.js';
import type { HttpRequest } from './request.js';
import { emptyResponse, jsonResponse, methodNotAllowedResponse, type HttpResponse } from './response.js';

// Universal Logout (draft "Global Token Revocation", section 3): the provider's server POSTs
// `{ "sub_id": ... }` as JSON with a signed bearer; every session of that user ends. Answers
// as section 3.4 says: 204, 400 for a body it cannot take, 401 for authentication that is
// missing or invalid, 404 for a subject that names no user. No session and no same-origin
// check (a server calls it). When the provider's keys, the app's `resolveSubject` or the store
// fail, nothing ended for a reason that is not the request's: 503, reported to onError.

/** The JSON body of the largest request taken, in bytes: a subject is a few hundred. */
const BODY_LIMIT = 16 * 1024;
/** The reason of every revocation, as for a Security Event Token. */
const REASON = 'security_event';

type Resolved = { readonly trustProxy: boolean; readonly onError: ((error: unknown) => void) | undefined; readonly retryAfter: number };

const unauthorized = (error?: 'invalid_token'): HttpResponse =>
  jsonResponse(401, { error: error ?? 'unauthorized' }, { headers: { 'www-authenticate': error === undefined ? 'Bearer' : `Bearer error="${error}"` } });
const badRequest = (description: string): HttpResponse => jsonResponse(400, { error: 'invalid_request', error_description: description });

/** Answers `POST <prefix>/global-token-revocation`; one per routes, holding the providers' keys. */
export function createGlobalTokenRevocationRoute(
  manager: SessionManager,
  options: GlobalTokenRevocationOptions,
  path: string,
): (request: HttpRequest, resolved: Resolved) => Promise<HttpResponse> {
  // The route reports each failure's cause itself, so the cache's once-per-issuer report is not needed.
  const keys: IssuerKeys = createIssuerKeys({ clock: Date.now, onError: () => undefined });
  const unavailable = (resolved: Resolved, error: unknown): HttpResponse => {
    report(resolved.onError, error);
    return jsonResponse(503, { error: 'temporarily_unavailable' }, { headers: { 'retry-after': String(resolved.retryAfter) } });
  };
  return async function globalTokenRevocation(request, resolved) {
    if (request.method !== 'POST') return methodNotAllowedResponse('POST');
    const origin = ownOrigin(request, resolved.trustProxy);
    const bearer = await checkRevocationBearer(request.header('authorization'), {
      issuers: options.issuers,
      endpointUrl: origin === undefined ? undefined : origin + path,
      now: Date.now(),
      keys,
    });
    if (!bearer.ok) {
      if (bearer.refusal === 'keys_unavailable') return unavailable(resolved, bearer.cause);
      return unauthorized(bearer.refusal === 'missing' ? undefined : 'invalid_token');
    }
    const type = request.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return badRequest('Send { "sub_id": ... } as application/json.');
    const subject = readSubjectId(await readJsonBody(request, BODY_LIMIT));
    if (subject === undefined) return badRequest('The body must be { "sub_id": { "format": "email", "email" } } or { "sub_id": { "format": "iss_sub", "iss", "sub" } }, at most 16 KB.');
    try {
      const userId = await options.resolveSubject(subject);
      if (userId === undefined || userId === null) return jsonResponse(404, { error: 'user_not_found' });
      await manager.revokeAll(userId, { kinds: 'all', reason: REASON, by: bearer.issuer });
      return emptyResponse(204);
    } catch (error) {
      return unavailable(resolved, error);
    }
  };
}
