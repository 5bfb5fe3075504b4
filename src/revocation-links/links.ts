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

// The user's own device a session was signed in from: a support session's browser is the admin's.
const deviceOf = (session: SessionRecord | undefined): SessionRecord | undefined => (session?.impersonatorId === undefined ? session : undefined);
// Its browser and OS name one device only for a kind that replaces devices: others are told apart by no key (a household's phones).
const deviceKeyOf = (context: ManagerContext, session: SessionRecord | undefined): string | undefined =>
  deviceOf(session) !== undefined && context.config.kinds.get(session!.kind)?.replaceDevice === true ? session!.deviceKey : undefined;

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
  const { userId } = found.session;
  // Routed like the user's session ids, so a sharded store keeps the link in the user's shard.
  const minted = mintToken(store.sessionIdPrefix?.(userId));
  // The link carries the device it signs out, and the known device it makes new again: it outlives the session's row.
  const device = deviceOf(found.session);
  const link: RevocationLinkRecord = { id: minted.id, secretHash: minted.secretHash, userId, sessionId, expiresAt: config.clock() + ttl, deviceKey: deviceKeyOf(context, device), deviceHash: device && deviceHash(userId, device, device.ip) };
  await calls.call('saveRevocationLink', () => store.saveRevocationLink!(link));
  // An erase on any instance since the read deleted the row (and the link, when after the save): the user is gone, and so is the link.
  if ((await readSession(context, sessionId)) !== null) return minted.token;
  await calls.call('dropRevocationLink', () => store.dropRevocationLink!(link.id));
  return null;
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
    const finish = () => calls.call('settleRevocationLink', (due) => store.settleRevocationLink!(parsed.id, taker, 'used', due));
    await finish().catch(finish).catch((error: unknown) => config.onError(error));
    return { userId: link.userId, sessionId: link.sessionId, everywhere, ...ended };
  } catch (error) {
    return release(error);
  }
}

// What the device holds now (a later sign-in or password change gave it a new session), ended in one batch with its read, which also disowns it
// (its next sign-in alerts again, though it was known); the device is the one the link carries, else its session's row's while stored.
async function endDevice(context: ManagerContext, lifecycle: Lifecycle, link: RevocationLinkRecord): Promise<{ revokedIds: string[]; deviceFound: boolean }> {
  const stored = link.deviceKey === undefined ? (await storedSessionOf(context, link.userId, link.sessionId))?.session : undefined;
  const deviceKey = stored === undefined ? link.deviceKey : deviceKeyOf(context, stored);
  const kinds = deviceKey === undefined ? [] : [...context.config.kinds].flatMap(([kind, options]) => (options.replaceDevice === true ? [kind] : []));
  const scope = { sessionId: link.sessionId, kinds, device: deviceKey === undefined ? undefined : { deviceKey } };
  return { revokedIds: await lifecycle.revokeInScope(link.userId, scope, { reason: 'not_me', forgetDevice: link.deviceHash }), deviceFound: deviceKey !== undefined };
}
