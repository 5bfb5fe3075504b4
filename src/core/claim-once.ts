import { keyName } from '../storage/keys.js';
import type { ManagerContext } from './context.js';

/** The kinds of token whose ids are claimed, each in its own namespace. */
export type OneTimeScope = 'logout_token' | 'security_event' | 'global_token_revocation';

/** What is claimed: a token's id, per issuer, remembered until `until` (ms). */
export interface OneTimeKey {
  readonly scope: OneTimeScope;
  /** The token's issuer. */
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

/**
 * Claims a token's id (a logout token's, a SET's, a Universal Logout bearer's `jti`) once across every instance sharing
 * the store, under a key digesting scope, issuer and id. A claim that throws may have been written, so it is released
 * (once the store's late answer says it was ours) before the error is thrown: the next delivery is not a replay.
 * @returns The claim; release it when acting on the token fails.
 */
export async function claimOnce(context: ManagerContext, key: OneTimeKey): Promise<OneTimeClaim> {
  const { calls, config, store } = context;
  const name = keyName('once', key.scope, key.issuer, key.id);
  const release = (): Promise<void> => calls.call('releaseKey', () => store.releaseKey(name)).catch((releaseError: unknown) => config.onError(releaseError));
  let answered = false;
  const claiming = Promise.resolve()
    .then(() => store.claimKey(name, key.until))
    .finally(() => {
      answered = true;
    });
  let claimed: boolean;
  try {
    claimed = await calls.call('claimKey', () => claiming);
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

/**
 * Acts on a token once across every instance: runs `act` only while this delivery holds the claim ({@link claimOnce}),
 * released when `act` throws (then rethrown); an answer `act` returns, a refusal included, keeps the claim.
 * @returns `act`'s answer, or `replayed`'s when another delivery held the claim already.
 */
export async function actOnce<T>(context: ManagerContext, key: OneTimeKey, act: () => Promise<T>, replayed: () => T): Promise<T> {
  const { claimed, release } = await claimOnce(context, key);
  if (!claimed) return replayed();
  try {
    return await act();
  } catch (error) {
    await release();
    throw error;
  }
}
