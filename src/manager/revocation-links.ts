import { SessionError } from '../errors.js';
import { checkLink, checkLookup } from '../store-answers.js';
import { isSessionId, mintToken, parseToken, hashSecret } from '../token.js';
import { requireActivity } from './activity.js';
import type { RedeemedRevocationLink, RedeemRevocationLinkOptions, RevocationLinkOptions } from './api.js';
import type { ManagerContext } from './context.js';
import type { Lifecycle } from './lifecycle.js';

// "This wasn't me" links: a one-time token of the same shape as a session token, of which
// the store keeps only the SHA-256 of the secret, used up atomically by the store.

const DAY = 24 * 60 * 60 * 1000;
const DEFAULT_TTL = 7 * DAY;

/** Issues a link for the session, or `null` when there is no such session. */
export async function issueRevocationLink(context: ManagerContext, sessionId: string, options: RevocationLinkOptions = {}): Promise<string | null> {
  context.ensureOpen();
  requireActivity(context, 'issueRevocationLink()');
  const ttl = options.ttl ?? DEFAULT_TTL;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60_000 || ttl > 30 * DAY) {
    throw new SessionError('INVALID_INPUT', 'issueRevocationLink(): ttl must be a whole number of ms from 60,000 (a minute) to 30 days.');
  }
  if (!isSessionId(sessionId)) return null;
  const { store, calls, config } = context;
  const found = checkLookup(await calls.call('get', () => store.get(sessionId)), sessionId);
  if (found === null) return null;
  // Routed like the user's session ids, so a sharded store keeps the link in the user's shard.
  const minted = mintToken(store.sessionIdPrefix?.(found.session.userId));
  const now = config.clock();
  await calls.call('saveRevocationLink', () =>
    store.saveRevocationLink!({ id: minted.id, secretHash: minted.secretHash, userId: found.session.userId, sessionId, expiresAt: now + ttl }),
  );
  return minted.token;
}

/** Uses a link once; `null` when refused (reused, altered, expired, not a link). */
export async function redeemRevocationLink(
  context: ManagerContext,
  lifecycle: Lifecycle,
  token: unknown,
  options: RedeemRevocationLinkOptions = {},
): Promise<RedeemedRevocationLink | null> {
  context.ensureOpen();
  requireActivity(context, 'redeemRevocationLink()');
  const everywhere = options.everywhere ?? false;
  if (typeof everywhere !== 'boolean') throw new SessionError('INVALID_INPUT', 'redeemRevocationLink(): everywhere must be a boolean.');
  const parsed = parseToken(token);
  if (parsed === undefined) return null;
  const { store, calls, config } = context;
  const link = checkLink(await calls.call('consumeRevocationLink', () => store.consumeRevocationLink!(parsed.id, hashSecret(parsed.secret), config.clock())), parsed.id);
  if (link === null) return null;
  try {
    await lifecycle.revoke(link.sessionId, { reason: 'not_me', userId: link.userId });
    if (everywhere) await lifecycle.revokeAll(link.userId, { kinds: 'all', reason: 'not_me' });
  } catch (error) {
    // The link was used up but the sign-out did not happen (the store failed): put it back so
    // the user can try again, then report the failure.
    await calls.call('saveRevocationLink', () => store.saveRevocationLink!(link)).catch((restoreError: unknown) => config.onError(restoreError));
    throw error;
  }
  return { userId: link.userId, sessionId: link.sessionId, everywhere };
}
