import { SessionError } from '../errors.js';
import type { FederatedStore } from '../store-capabilities/federated.js';
import type { ManagerContext } from './context.js';

// The one place a token's id is claimed in the store before anything is done on its behalf (a
// logout token's, a Security Event Token's or a Universal Logout bearer's `jti`): of every
// delivery, to any instance, one acts. Each kind of token has its own namespace, so equal ids
// of two kinds never collide.

/** The kinds of token whose ids are claimed, each in its own namespace. */
export type OneTimeScope = 'logout_token' | 'security_event' | 'global_token_revocation';

/** What is claimed: a token's id, per issuer, remembered until `until` (ms). */
export interface OneTimeKey {
  readonly scope: OneTimeScope;
  /** The token's issuer (an https URL, at most `FEDERATED_LIMITS.issLength` less {@link SCOPE_PREFIX_LENGTH} outside `logout_token`). */
  readonly issuer: string;
  /** The token's id. */
  readonly id: string;
  /** The first instant the token is no longer accepted: the claim may be forgotten then. */
  readonly until: number;
}

/** The outcome: whether this delivery holds the claim, and how to give it back. */
export interface OneTimeClaim {
  /** `false`: another delivery held it already (a replay). */
  readonly claimed: boolean;
  /** Forgets the claim (best effort: a failure goes to `onError`), so a later delivery acts. */
  release(): Promise<void>;
}

// An issuer is an http(s) URL, so a prefixed one can never equal a logout token's issuer.
const PREFIX: Record<OneTimeScope, string> = { logout_token: '', security_event: 'secevent:', global_token_revocation: 'gtr:' };

/** How many characters the longest namespace adds to an issuer. */
export const SCOPE_PREFIX_LENGTH = Math.max(...Object.values(PREFIX).map((prefix) => prefix.length));

/**
 * Claims a token's id once across every instance sharing the store. When the claim throws (it
 * may have been written though its answer was lost), it is released before the error is
 * thrown, so the next delivery is not a replay; past the manager's deadline the release waits
 * for the store's late answer and is skipped if that answer is "already held".
 *
 * @returns The claim; release it when acting on the token fails.
 * @throws What the store call threw (`STORE_UNAVAILABLE`, ...), or `STORE_ERROR` for an answer
 * that is not a boolean.
 */
export async function claimOnce(context: ManagerContext, store: FederatedStore, key: OneTimeKey): Promise<OneTimeClaim> {
  const { calls, config } = context;
  const issuer = PREFIX[key.scope] + key.issuer;
  const release = (): Promise<void> =>
    calls.call('forgetLogoutToken', () => store.forgetLogoutToken(issuer, key.id)).catch((releaseError: unknown) => config.onError(releaseError));
  let answered = false;
  const claiming = Promise.resolve()
    .then(() => store.rememberLogoutToken(issuer, key.id, key.until))
    .finally(() => {
      answered = true;
    });
  let claimed: boolean;
  try {
    claimed = await calls.call('rememberLogoutToken', () => claiming);
    if (typeof claimed !== 'boolean') throw new SessionError('STORE_ERROR', 'rememberLogoutToken() answered something other than a boolean.');
  } catch (error) {
    // At worst this frees a claim another delivery holds, and a later delivery acts again.
    const ours = claiming.then((answer) => answer !== false, () => true);
    if (answered) {
      if (await ours) await release();
    } else {
      void ours.then((mine) => (mine ? release() : undefined));
    }
    throw error;
  }
  return { claimed, release };
}
