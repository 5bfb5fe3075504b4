import type { BackchannelLogoutOptions } from '../federated/api.js';
import { MAX_LOGOUT_TOKEN_LENGTH } from '../federated/logout-token.js';
import type { SessionManager } from '../manager/api.js';
import type { ResolvedHttpOptions } from './options.js';
import { report } from './report.js';
import { readFormField } from './body.js';
import { mediaType, type HttpRequest } from './request.js';
import { jsonResponse, methodNotAllowedResponse, temporarilyUnavailableResponse, type HttpResponse } from './response.js';

// The form around a token of the largest size accepted.
const BODY_LIMIT = MAX_LOGOUT_TOKEN_LENGTH + 1024;

const badRequest = (description: string): HttpResponse => jsonResponse(400, { error: 'invalid_request', error_description: description });

/** Answers `POST <prefix>/backchannel-logout`, a form with `logout_token` (OpenID Connect Back-Channel Logout 1.0, section 2.8), as `createSessionRoutes` documents. */
export async function backchannelLogoutRoute(manager: SessionManager, request: HttpRequest, options: BackchannelLogoutOptions, resolved: ResolvedHttpOptions): Promise<HttpResponse> {
  if (request.method !== 'POST') return methodNotAllowedResponse('POST');
  // No single logout_token in a form within the limit is `missing`, refused and reported like any token.
  const token = mediaType(request) === 'application/x-www-form-urlencoded' ? await readFormField(request, 'logout_token', BODY_LIMIT) : undefined;
  try {
    let unavailable: unknown;
    const result = await manager.backchannelLogout(token, {
      ...options,
      onRefused(refusal) {
        if (refusal.reason === 'keys_unavailable') unavailable = refusal.cause;
        return options.onRefused?.(refusal);
      },
    });
    if (result.ok) return jsonResponse(200, undefined);
    if (result.reason !== 'keys_unavailable') return badRequest(result.reason);
    report(resolved.onError, unavailable);
  } catch (error) {
    report(resolved.onError, error);
  }
  return temporarilyUnavailableResponse(resolved.retryAfter);
}
