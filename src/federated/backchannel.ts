import { SessionError } from '../errors.js';
import { claimOnce } from '../core/claim-once.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { ManagerContext } from '../core/context.js';
import type { BackchannelIssuer, BackchannelLogoutOptions, BackchannelLogoutResult, BackchannelRefusalReport } from './api.js';
import type { IssuerKeys } from './keys.js';
import { findLinks, liveLinkedSession } from './links.js';
import { checkProviderUrl } from './provider-url.js';
import { checkLogoutToken, DEFAULT_ALGORITHMS, type LogoutClaims } from './logout-token.js';
import type { FederatedLink, FederatedQuery, StoreOperations } from '../storage/types.js';

const DEFAULT_MAX_TOKEN_AGE = 5 * 60_000;
const SYMMETRIC_OR_NONE = /^(none|HS\d+)$/i;

function invalid(message: string): SessionError {
  return new SessionError('INVALID_CONFIGURATION', `backchannelLogout(): ${message}`);
}

/** Checks the options once per call: they decide whose tokens can sign users out. */
export function checkBackchannelOptions(options: unknown): {
  issuers: readonly BackchannelIssuer[];
  maxTokenAge: number;
  onRefused: BackchannelLogoutOptions['onRefused'];
} {
  if (typeof options !== 'object' || options === null) throw invalid('options { issuers } are required.');
  const { issuers, maxTokenAge = DEFAULT_MAX_TOKEN_AGE, onRefused, ...unknown } = options as BackchannelLogoutOptions;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw invalid(`unknown option "${extra[0]}".`);
  if (!Array.isArray(issuers) || issuers.length === 0) throw invalid('issuers must be a non-empty list of { issuer, clientId }.');
  for (const entry of issuers as unknown[]) {
    if (typeof entry !== 'object' || entry === null) throw invalid('each issuer must be an object { issuer, clientId }.');
    const { issuer, clientId, jwksUri, algorithms, ...rest } = entry as BackchannelIssuer;
    const sibling = (issuers as BackchannelIssuer[]).find((other) => other !== entry && other?.issuer === issuer);
    if (Object.keys(rest).length > 0) throw invalid(`unknown issuer option "${Object.keys(rest)[0]}".`);
    checkProviderUrl(issuer, 'backchannelLogout(): issuer');
    if (typeof clientId !== 'string' || clientId.length === 0) throw invalid('clientId must be a non-empty string.');
    if (jwksUri !== undefined) checkProviderUrl(jwksUri, 'backchannelLogout(): jwksUri');
    if (algorithms !== undefined) {
      if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((alg) => typeof alg === 'string')) throw invalid('algorithms must be a non-empty list of names.');
      const refused = algorithms.find((alg) => SYMMETRIC_OR_NONE.test(alg));
      if (refused !== undefined) throw invalid(`algorithm "${refused}" is refused: a provider's keys are public, so only asymmetric algorithms are safe.`);
      const unknownAlg = algorithms.find((alg) => !DEFAULT_ALGORITHMS.includes(alg));
      if (unknownAlg !== undefined) throw invalid(`algorithm "${unknownAlg}" is not supported.`);
    }
    // One issuer, one key set: its entries differ only by client id.
    if (sibling !== undefined && (sibling.jwksUri !== jwksUri || JSON.stringify(sibling.algorithms) !== JSON.stringify(algorithms))) {
      throw invalid(`the entries of issuer ${issuer} must give the same jwksUri and algorithms (one per client id).`);
    }
  }
  if (typeof maxTokenAge !== 'number' || !Number.isInteger(maxTokenAge) || maxTokenAge < 1_000 || maxTokenAge > 60 * 60_000) {
    throw invalid('maxTokenAge must be a whole number of ms from 1,000 to 3,600,000.');
  }
  if (onRefused !== undefined && typeof onRefused !== 'function') throw invalid('onRefused must be a function.');
  return { issuers, maxTokenAge, onRefused };
}

/**
 * The links a valid token names (section 2.7). With `sid`: that provider session's, plus, when
 * `sub` is there too, the user's links from that issuer recorded without any sid (a sign-in
 * whose ID token had none cannot be told apart from that provider session, so it ends too).
 * With `sub` alone: every link of the user from that issuer. Matching is exact.
 */
async function linksNamed(context: ManagerContext, store: StoreOperations, { iss, sid, sub }: LogoutClaims): Promise<FederatedLink[]> {
  const find = (query: FederatedQuery) => findLinks(context, query);
  const ofSession = sid === undefined ? [] : (await find({ by: 'sid', iss, sid })).filter((link) => link.iss === iss && link.sid === sid);
  const ofUser = sub === undefined ? [] : (await find({ by: 'sub', iss, sub })).filter((link) => link.iss === iss && link.sub === sub && (sid === undefined || link.sid === undefined));
  return [...ofSession, ...ofUser];
}

/**
 * Validates a logout token, claims its `jti` in the store (atomically: of every delivery of
 * the token to any instance, exactly one gets it), then ends the sessions it names through the
 * lifecycle's `revoke` (reason `idp_logout`). When the claim fails (it may have been written
 * though its answer was lost) or ending the sessions fails, the claim is released so the
 * provider's next delivery of the token is not a replay.
 */
export async function backchannelLogout(
  context: ManagerContext,
  lifecycle: Lifecycle,
  keys: IssuerKeys,
  token: unknown,
  options: BackchannelLogoutOptions,
): Promise<BackchannelLogoutResult> {
  context.ensureOpen();
  const store = context.store;
  const { issuers, maxTokenAge, onRefused } = checkBackchannelOptions(options);
  const { config } = context;
  const refused = (refusal: BackchannelRefusalReport): BackchannelLogoutResult => {
    try {
      onRefused?.(refusal);
    } catch (error) {
      config.onError(error);
    }
    return { ok: false, reason: refusal.reason };
  };
  const checked = await checkLogoutToken(token, { issuers, maxTokenAge, now: config.clock(), keys });
  if (!checked.ok) return refused(checked.refusal);
  const { iss, jti, acceptableUntil } = checked.claims;
  // Claimed before anything is revoked: two instances receiving the token at once must not
  // both act on it. A token already claimed ends nothing, not even a session signed in since.
  const { claimed, release } = await claimOnce(context, { scope: 'logout_token', issuer: iss, id: jti, until: acceptableUntil });
  if (!claimed) return refused({ reason: 'replayed', issuer: iss });
  try {
    const revokedIds: string[] = [];
    for (const link of await linksNamed(context, store, checked.claims)) {
      if ((await liveLinkedSession(context, link)) === undefined) continue;
      if (await lifecycle.revoke(link.sessionId, { reason: 'idp_logout', userId: link.userId })) revokedIds.push(link.sessionId);
    }
    return { ok: true, issuer: iss, revokedIds };
  } catch (error) {
    await release();
    throw error;
  }
}
