import { actOnce } from '../../core/claim-once.js';
import type { ManagerContext } from '../../core/context.js';
import type { Lifecycle } from '../../core/lifecycle.js';
import type { IssuerKeys } from '../../federated/keys.js';
import { sameIssuer } from '../../federated/provider-url.js';
import type { GlobalTokenRevocationRequestOptions, GlobalTokenRevocationResult } from './api.js';
import { checkRevocationBearer } from './bearer.js';
import { checkGlobalTokenRevocationRequestOptions } from './options.js';
import { readSubjectId } from './subject.js';

/** Takes one Universal Logout request: the `jti` is claimed for the request's subject before the app is asked who it is (a captured bearer learns nothing of which users exist, and names no second subject). */
export async function globalTokenRevocation(
  context: ManagerContext,
  lifecycle: Lifecycle,
  keys: IssuerKeys,
  { bearer, body, options }: { bearer: unknown; body: unknown; options: GlobalTokenRevocationRequestOptions },
): Promise<GlobalTokenRevocationResult> {
  context.ensureOpen();
  const { issuers, resolveSubject, endpointUrl } = checkGlobalTokenRevocationRequestOptions(options);
  const checked = await checkRevocationBearer(bearer, { issuers, endpointUrl, now: context.config.clock(), keys });
  if (!checked.ok) return checked;
  const { issuer, jti, acceptableUntil } = checked;
  const subject = readSubjectId(body);
  const endSubject = async (): Promise<GlobalTokenRevocationResult> => {
    if (subject === undefined) return { ok: false, reason: 'invalid_request' };
    // A provider speaks for its own users: another issuer's user is refused, however the app would map it.
    if (subject.format === 'iss_sub' && !sameIssuer(issuer, subject.iss!)) return { ok: false, reason: 'other_issuer' };
    const userId = await resolveSubject(subject, { issuer });
    if (userId === undefined || userId === null) return { ok: false, reason: 'user_not_found' };
    await lifecycle.revokeAll(userId, { kinds: 'all', reason: 'security_event', by: issuer });
    return { ok: true, issuer, userId };
  };
  return actOnce(context, { scope: 'global_token_revocation', issuer, id: jti, until: acceptableUntil }, endSubject, () => ({ ok: false, reason: 'replayed' }), JSON.stringify(subject ?? null));
}
