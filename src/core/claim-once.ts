import { SessionError } from '../errors.js';
import { keyName } from '../storage/keys.js';
import { MAX_CLOCK_TOLERANCE } from '../storage/revoke.js';
import type { ManagerContext } from './context.js';

/** The kinds of token whose ids are kept once acted on, each in its own namespace. */
export type OneTimeScope = 'logout_token' | 'security_event' | 'global_token_revocation';

/** A token's id, per issuer, kept until `until` (ms). */
export interface OneTimeKey {
  readonly scope: OneTimeScope;
  /** The token's issuer. */
  readonly issuer: string;
  /** The token's id. */
  readonly id: string;
  /** The first instant the token is no longer accepted: the id may be forgotten then. */
  readonly until: number;
}

/** The store key of a one-time key. */
export const oneTimeKeyName = (key: Pick<OneTimeKey, 'scope' | 'issuer' | 'id'>): string => keyName('once', key.scope, key.issuer, key.id);

// Stryker disable StringLiteral: any text for "open", "done" and the default subject acts the same; the call names only name a timeout
const DONE = 'done';

/**
 * Acts on a token (a logout token, a SET, a Universal Logout bearer) once across every instance sharing the store: the first
 * delivery claims its id for `subject` (what it acts on, when the token does not name it), and keeps it as done once `act`
 * answered, a refusal included. A delivery for the same subject while the id is not done (another still acting, or one that
 * failed) acts too, since ending sessions twice ends them once: a failure never turns a retry into a replay.
 * @returns `act`'s answer, or `replayed`'s when the id is done or claimed for another subject.
 */
export async function actOnce<T>(context: ManagerContext, key: OneTimeKey, act: () => Promise<T>, replayed: () => T, subject = ''): Promise<T> {
  const { calls, store } = context;
  const name = oneTimeKeyName(key);
  const open = keyName('open', subject);
  // Kept past `until` as long as any instance's clock may still accept the token.
  const until = key.until + MAX_CLOCK_TOLERANCE;
  const claimed = await calls.call('claimKey', () => store.claimKey(name, until, open));
  const held = claimed ? open : await calls.call('readKey', () => store.keyValue(name));
  // Refused yet held by nobody (a claim that failed to serialize): an outage. Held for another subject, or done: a replay.
  if (held === undefined) throw new SessionError('STORE_UNAVAILABLE', 'The session store refused to claim a token id that nobody holds; deliver the token again.');
  if (held !== open) return replayed();
  const answer = await act();
  // Not kept (an outage): the call fails, and the next delivery acts again.
  await calls.call('putKey', () => store.putKey(name, DONE, until));
  return answer;
}

/** Whether a delivery of the token finished acting: a replay answered before asking anyone else (an app's user directory). */
export const actedOn = async ({ calls, store }: ManagerContext, key: OneTimeKey): Promise<boolean> => (await calls.call('readKey', () => store.keyValue(oneTimeKeyName(key)))) === DONE;
// Stryker restore StringLiteral
