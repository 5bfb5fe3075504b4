import { randomUUID } from 'node:crypto';
import { SessionError } from '../errors.js';
import type { RevocationLinkRecord } from '../storage/types.js';
import type { SessionRecord } from '../store.js';
import { mintToken, parseToken, hashSecret } from '../token.js';
import { deviceHash, requireActivity } from '../activity/activity.js';
import type { RedeemedRevocationLink, RedeemRevocationLinkOptions, RevocationLinkOptions } from './api.js';
import type { ManagerContext } from '../core/context.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { readSession, storedSessionOf } from '../core/live-session.js';
import { isWholeNumber } from '../option-checks.js';

// A link is a one-time token shaped like a session token; the store keeps only its secret's hash.

const DAY = 24 * 60 * 60 * 1000;
const DEFAULT_TTL = 7 * DAY;

// The device (browser and OS) a session was signed in from, in its tenant; a support session's browser is the admin's, not the user's.
const deviceOf = (session: SessionRecord | undefined): SessionRecord | undefined => (session?.impersonatorId === undefined ? session : undefined);

/** Issues a link for the session, or `null` when there is no such session. */
export async function issueRevocationLink(context: ManagerContext, sessionId: string, options: RevocationLinkOptions = {}): Promise<string | null> {
  context.ensureOpen();
  requireActivity(context, 'issueRevocationLink()');
  const ttl = options.ttl === undefined ? DEFAULT_TTL : options.ttl;
  if (!isWholeNumber(ttl, 60_000, 30 * DAY)) {
    throw new SessionError('INVALID_INPUT', 'issueRevocationLink(): ttl must be a whole number of ms from 60,000 (a minute) to 30 days.');
  }
  const found = await readSession(context, sessionId);
  if (found === null) return null;
  const { store, calls, config } = context;
  const { userId, tenantId } = found.session;
  // Routed like the user's session ids, so a sharded store keeps the link in the user's shard.
  const minted = mintToken(store.sessionIdPrefix?.(userId));
  // The link carries the device it signs out, and the known device it makes new again: it outlives the session's row.
  const device = deviceOf(found.session);
  const link: RevocationLinkRecord = { id: minted.id, secretHash: minted.secretHash, userId, sessionId, expiresAt: config.clock() + ttl, deviceKey: device?.deviceKey, tenantId, deviceHash: device && deviceHash(userId, device, device.ip) };
  await calls.call('saveRevocationLink', () => store.saveRevocationLink!(link));
  return minted.token;
}

/** Uses a link once; `null` when refused (reused, altered, expired, not a link). */
export async function redeemRevocationLink(context: ManagerContext, lifecycle: Lifecycle, token: unknown, options: RedeemRevocationLinkOptions = {}): Promise<RedeemedRevocationLink | null> {
  context.ensureOpen();
  requireActivity(context, 'redeemRevocationLink()');
  const everywhere = options.everywhere ?? false;
  if (typeof everywhere !== 'boolean') throw new SessionError('INVALID_INPUT', 'redeemRevocationLink(): everywhere must be a boolean.');
  const parsed = parseToken(token);
  if (parsed === undefined) return null;
  const { store, calls, config } = context;
  const [hash, now, taker] = [hashSecret(parsed.secret), config.clock(), randomUUID()];
  const take = () => calls.call('consumeRevocationLink', (due) => store.consumeRevocationLink!(parsed.id, hash, now, taker, due));
  // Taken (perhaps) but the sign-out failed: given back so the user can try again.
  const release = async (error: unknown): Promise<never> => {
    await calls.call('settleRevocationLink', (due) => store.settleRevocationLink!(parsed.id, taker, 'failed', due)).catch((releaseError: unknown) => config.onError(releaseError));
    throw error;
  };
  // An answer lost once the link was taken: asked again, the link names this redemption as its taker.
  const link = await take().catch((error: unknown) => take().catch(() => release(error)));
  if (link === null) return null;
  try {
    const ended = await endDevice(context, lifecycle, link);
    if (everywhere) await lifecycle.revokeAll(link.userId, { kinds: 'all', reason: 'not_me' });
    // Disowned, once its sessions are ended: the device's next sign-in alerts again, though it was known.
    if (link.deviceHash !== undefined) await calls.call('forgetDevice', () => store.forgetDevice!(link.userId, link.deviceHash!));
    const finish = () => calls.call('settleRevocationLink', (due) => store.settleRevocationLink!(parsed.id, taker, 'used', due));
    await finish().catch(finish).catch((error: unknown) => config.onError(error));
    return { userId: link.userId, sessionId: link.sessionId, everywhere, ...ended };
  } catch (error) {
    return release(error);
  }
}

// What the device holds now (a later sign-in or password change gave it a new session), ended in one batch with its read; the device is the one the link carries, else its session's row's while stored.
async function endDevice(context: ManagerContext, lifecycle: Lifecycle, link: RevocationLinkRecord): Promise<{ revokedIds: string[]; deviceFound: boolean }> {
  const { deviceKey, tenantId } = (link.deviceKey !== undefined ? link : deviceOf((await storedSessionOf(context, link.userId, link.sessionId))?.session)) ?? {};
  const kinds = deviceKey === undefined ? [] : [...context.config.kinds].flatMap(([kind, options]) => (options.replaceDevice === true ? [kind] : []));
  return { revokedIds: await lifecycle.revokeInScope(link.userId, { sessionId: link.sessionId, kinds, device: deviceKey === undefined ? undefined : { deviceKey, tenantId } }, { reason: 'not_me' }), deviceFound: deviceKey !== undefined };
}
