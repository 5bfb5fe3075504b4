import { decodeJwt } from 'jose';
import type { SessionManager } from '../manager/api.js';
import type { ResolvedHttpOptions as Resolved } from './options.js';
import type { SecurityEventError, SecurityEventOptions, SecurityEventRefusalReport } from '../security-events/api.js';
import { pushAuthorized } from '../security-events/push-authorization.js';
import { awaitsKeyFetch, MAX_SET_LENGTH } from '../security-events/token.js';
import { readBodyText } from './body.js';
import { callBack } from '../events.js';
import { report } from './report.js';
import { mediaType, type HttpRequest } from './request.js';
import { emptyResponse, jsonResponse, methodNotAllowedResponse, temporarilyUnavailableResponse, type HttpResponse } from './response.js';

const refusal = (err: SecurityEventError, description: string): HttpResponse => jsonResponse(400, { err, description }, { headers: { 'content-type': 'application/json', 'content-language': 'en' } });
// RFC 8935, section 2.2: no body; `no-store` for every cache, as on every other answer of the routes.
const ACCEPTED: HttpResponse = emptyResponse(202);

/** Answers `POST <prefix>/security-events` (push-based SET delivery, RFC 8935 section 2) as `createSessionRoutes` documents, with the checked options; `503` only when nothing was decided, so the transmitter retries. */
export function createSecurityEventsRoute(manager: SessionManager, options: SecurityEventOptions): (request: HttpRequest, resolved: Resolved) => Promise<HttpResponse> {
  // The route's own refusals are told to onRefused as securityEvent()'s are.
  const refuse = (resolved: Resolved, err: SecurityEventError, description: string, issuer?: string): HttpResponse => {
    callBack<SecurityEventRefusalReport>(options.onRefused, { err, description, issuer }, (error) => report(resolved.onError, error));
    return refusal(err, description);
  };
  return async function securityEvents(request, resolved) {
    if (request.method !== 'POST') return methodNotAllowedResponse('POST');
    if (mediaType(request) !== 'application/secevent+jwt') return refuse(resolved, 'invalid_request', 'Send the SET as application/secevent+jwt.');
    const body = await readBodyText(request, MAX_SET_LENGTH);
    if (body === undefined) return refuse(resolved, 'invalid_request', 'The body must be one SET of at most 64 KiB.');
    const set = body.trim();
    // The transmitter the SET names, unverified: securityEvent() then checks the iss with its keys.
    if (!pushAuthorized(set, request.header('authorization'), options.transmitters)) {
      const issuer = options.transmitters.find((transmitter) => transmitter.issuer === unverifiedIssuer(set))?.issuer;
      return refuse(resolved, 'authentication_failed', 'The Authorization header configured for this transmitter was missing or different.', issuer);
    }
    try {
      const result = await manager.securityEvent(set, options);
      return result.ok ? ACCEPTED : refusal(result.err, result.description);
    } catch (error) {
      if (!awaitsKeyFetch(error)) report(resolved.onError, error);
      return temporarilyUnavailableResponse(resolved.retryAfter);
    }
  };
}

// For the report only: pushAuthorized() decides.
function unverifiedIssuer(set: string): unknown {
  try {
    return decodeJwt(set).iss;
  } catch {
    return undefined;
  }
}
