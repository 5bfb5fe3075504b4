import type { BackchannelLogoutOptions } from '../federated/api.js';
import { MAX_LOGOUT_TOKEN_LENGTH } from '../federated/logout-token.js';
import type { SessionManager } from '../manager/api.js';
import { report } from './report.js';
import { readFormField, type HttpRequest } from './request.js';
import { jsonResponse, methodNotAllowedResponse, type HttpResponse } from './response.js';

// The back-channel logout URI (OpenID Connect Back-Channel Logout 1.0, section 2.8): the
// provider's server POSTs a form with `logout_token`. Server to server, so no session and no
// same-origin check; answers never cached. A bad token answers 400, as the specification
// says. When the store or the provider's keys cannot be reached the logout did not happen
// for a reason that is not the token's: 503, reported to onError. The specification does not
// ask providers to retry (oidc-provider sends once), so the report is what tells the app.

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
    let unavailable: unknown;
    const result = await manager.backchannelLogout(token, {
      ...options,
      onRefused(refusal) {
        if (refusal.reason === 'keys_unavailable') unavailable = refusal.cause;
        options.onRefused?.(refusal);
      },
    });
    if (result.ok) return jsonResponse(200, undefined);
    if (result.reason !== 'keys_unavailable') return badRequest(result.reason);
    report(resolved.onError, unavailable);
    return jsonResponse(503, { error: 'temporarily_unavailable' }, { headers: { 'retry-after': String(resolved.retryAfter) } });
  } catch (error) {
    report(resolved.onError, error);
    return jsonResponse(503, { error: 'temporarily_unavailable' }, { headers: { 'retry-after': String(resolved.retryAfter) } });
  }
}
