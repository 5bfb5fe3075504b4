import type { BackchannelLogoutOptions } from '../federated/api.js';
import { MAX_LOGOUT_TOKEN_LENGTH } from '../federated/logout-token.js';
import type { SessionManager } from '../manager/api.js';
import { report } from './report.js';
import { readFormField, type HttpRequest } from './request.js';
import { jsonResponse, methodNotAllowedResponse, type HttpResponse } from './response.js';

// The back-channel logout URI (OpenID Connect Back-Channel Logout 1.0, section 2.8): the
// provider's server POSTs a form with `logout_token`. Server to server, so no session and no
// same-origin check; answers never cached. A store or key fetch failure answers 503, which
// providers treat as "try again"; a bad token 400, which they do not retry.

// The form around a token of the largest size accepted.
const BODY_LIMIT = MAX_LOGOUT_TOKEN_LENGTH + 1024;

const badRequest = (description: string): HttpResponse => jsonResponse(400, { error: 'invalid_request', error_description: description });

/** Answers `POST <prefix>/backchannel-logout`. */
export async function backchannelLogoutRoute(
  manager: SessionManager,
  request: HttpRequest,
  options: BackchannelLogoutOptions,
  resolved: { readonly onError: ((error: unknown) => void) | undefined; readonly retryAfter: number },
): Promise<HttpResponse> {
  if (request.method !== 'POST') return methodNotAllowedResponse('POST');
  const type = request.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return badRequest('Send logout_token as application/x-www-form-urlencoded.');
  const token = await readFormField(request, 'logout_token', BODY_LIMIT);
  if (token === undefined) return badRequest('Send exactly one logout_token, in a form of at most 9 KB.');
  try {
    const result = await manager.backchannelLogout(token, options);
    if (result.ok) return jsonResponse(200, undefined);
    if (result.reason === 'keys_unavailable') return jsonResponse(503, { error: 'temporarily_unavailable' }, { headers: { 'retry-after': String(resolved.retryAfter) } });
    return badRequest(result.reason);
  } catch (error) {
    report(resolved.onError, error);
    return jsonResponse(503, { error: 'temporarily_unavailable' }, { headers: { 'retry-after': String(resolved.retryAfter) } });
  }
}
