import { refusal } from '../session.js';
import { checkLookup, sessionEpoch } from '../store-answers.js';
import type { SessionRecord } from '../store.js';
import type { ActorOptions, CredentialChangeOptions, CredentialChangeResult, SessionManager, SignOutResult } from './api.js';
import type { ManagerContext } from './context.js';
import { checkId } from './input.js';
import type { Lifecycle } from './lifecycle.js';

/** Sign-out policies and what a password or email change does to the user's sessions. */
export type Credentials = Pick<SessionManager, 'signOut' | 'passwordChanged' | 'passwordReset' | 'emailChanged'>;

/** Builds the policy side of the manager on top of the lifecycle. */
export function createCredentials(context: ManagerContext, lifecycle: Lifecycle): Credentials {
  const { store, config, calls } = context;

  // The session that made a credential change, when it is a live session of that user.
  const liveSessionOf = async (userId: string, sessionId: string | undefined): Promise<SessionRecord | undefined> => {
    if (sessionId === undefined) return undefined;
    const found = checkLookup(await calls.call('get', () => store.get(sessionId)), sessionId);
    if (found === null || found.session.userId !== userId) return undefined;
    const { session } = found;
    return refusal(session, sessionEpoch(session, found.epochs, found.tenantEpochs, 'get'), config.clock(), 0) === undefined ? session : undefined;
  };

  // Other devices out through the epoch (O(1), reaches access tokens and caches), then this
  // device back in with a fresh token: the old token is refused like every other.
  const changeCredential = async (
    userId: string,
    options: CredentialChangeOptions,
    reason: 'password_changed' | 'email_changed',
    keepCurrent: boolean,
  ): Promise<CredentialChangeResult> => {
    checkId('userId', userId);
    const current = await liveSessionOf(userId, options.currentSessionId);
    await lifecycle.revokeAll(userId, { reason, by: options.by, tenantId: options.tenantId ?? current?.tenantId });
    // A current session of a kind the epoch did not cover (an API token) goes on its own:
    // the old token must stop working whether or not this device stays signed in.
    if (current !== undefined && !config.everywhereKinds.includes(current.kind)) {
      await lifecycle.revoke(current.id, { reason, by: options.by });
    }
    // A support session is not kept: its fresh token would no longer say who acts, nor end on time.
    if (!keepCurrent || current === undefined || current.impersonatorId !== undefined) return {};
    // The fresh token is the same device, not a new proof of identity: it keeps the old
    // session's authenticatedAt (a changed password must not make a stolen session "fresh")
    // and its cookie choice.
    const { userAgent, ip, tenantId, data, kind, persistent, authenticatedAt } = current;
    return lifecycle.create({ userId, kind, userAgent, ip, tenantId, data, persistent }, { reason, authenticatedAt });
  };

  return {
    async signOut(session, actor: ActorOptions = {}): Promise<SignOutResult> {
      checkId('session.userId', session?.userId);
      const tenantId = session.tenantId ?? actor.tenantId;
      // This device goes first and always: a failing policy must not leave it signed in.
      await lifecycle.revoke(session.id, { reason: 'sign_out', by: actor.by });
      const global = (await config.globalLogout({ userId: session.userId, tenantId })) === true;
      if (global) await lifecycle.revokeAll(session.userId, { reason: 'global_logout', by: actor.by, tenantId });
      return { global };
    },
    passwordChanged: (userId, options = {}) => changeCredential(userId, options, 'password_changed', config.onPasswordChange === 'others'),
    async passwordReset(userId, actor = {}) {
      await lifecycle.revokeAll(userId, { reason: 'password_reset', by: actor.by, tenantId: actor.tenantId });
    },
    emailChanged: (userId, options = {}) => changeCredential(userId, options, 'email_changed', true),
  };
}
