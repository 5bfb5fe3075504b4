import { invalidInput, isSessionError } from '../errors.js';
import type { CredentialChangeOptions, CredentialChangeResult, SessionManager, SignOutOptions, SignOutResult } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { actorOf, supportTenant } from './audit.js';
import { checkActor, checkId } from '../core/checks.js';
import { callOptions } from '../option-checks.js';
import { OPTION_KEYS } from './option-keys.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { judgeLookup, liveSessionOf, storedSessionOf } from '../core/live-session.js';
import type { SessionRecord } from '../store.js';

/** Sign-out policies and what a password or email change does to the user's sessions. */
export type Credentials = Pick<SessionManager, 'signOut' | 'passwordChanged' | 'passwordReset' | 'emailChanged'>;

/** Builds the policy side of the manager on top of the lifecycle. */
export function createCredentials(context: ManagerContext, lifecycle: Lifecycle): Credentials {
  const { config } = context;

  // `acting`: the user's session that made the change, whatever its state now (an idle one acts through access tokens; one ended meanwhile
  // made it): who acts and in which tenant are facts of the row. `current`: the same while live, the only one kept on a fresh token.
  const changingSession = async (userId: string, sessionId: string | undefined): Promise<{ current?: SessionRecord | undefined; acting?: SessionRecord | undefined }> => {
    const found = await storedSessionOf(context, userId, sessionId);
    if (found === undefined) return {};
    const live = (await judgeLookup(context, found, config.clock())) === undefined;
    return { current: live ? found.session : undefined, acting: found.session };
  };

  const changeCredential = async (userId: string, options: CredentialChangeOptions, reason: 'password_changed' | 'email_changed', keepCurrent: boolean): Promise<CredentialChangeResult> => {
    checkId('userId', userId);
    checkActor(options);
    const { current, acting } = await changingSession(userId, options.currentSessionId);
    const by = actorOf(options.by, acting);
    const tenantId = options.tenantId ?? acting?.tenantId;
    // Not a support session (its fresh token would no longer say who acts). The same device, not a new proof of identity: its authenticatedAt, cookie choice
    // and provider session are kept, signed in again in the batch of the sign-out everywhere itself unless another ended it first: nothing comes between.
    let failure: unknown;
    if (keepCurrent && current !== undefined && current.impersonatorId === undefined) {
      const { userAgent, ip, data, kind, persistent, authenticatedAt, federated } = current;
      try {
        return await lifecycle.create({ userId, kind, userAgent, ip, tenantId: current.tenantId, data, persistent, federated }, { reason, authenticatedAt, replacing: { id: current.id, by, tenantId } });
      } catch (error) {
        // Ended meanwhile, it stays out; any other failure (a cap, a store) must not keep the other devices in: they go, and the failure is thrown.
        if (!isSessionError(error) || error.code !== 'UNAUTHENTICATED') failure = error;
      }
    }
    // Other devices out through the epoch (O(1), reaches access tokens and caches); a support session with a tenant ends that tenant's only.
    const limit = supportTenant(acting);
    await lifecycle.revokeAll(userId, { reason, by, tenantId: limit ?? tenantId }, limit === undefined ? undefined : 'only');
    // A current session of a kind the epoch did not cover (an API token) goes on its own: its old token, and an idle one's access tokens, must stop.
    if (acting !== undefined && !config.everywhereKinds.includes(acting.kind)) await lifecycle.revoke(acting.id, { reason, by });
    if (failure !== undefined) throw failure;
    return {};
  };

  return {
    async signOut(session, options): Promise<SignOutResult> {
      const actor = callOptions<SignOutOptions>('signOut()', options, OPTION_KEYS.signOut);
      checkId('session.userId', session?.userId);
      if (actor.thisDeviceOnly !== undefined && typeof actor.thisDeviceOnly !== 'boolean') throw invalidInput('thisDeviceOnly must be a boolean.');
      // Who signs out, and in which tenant, is read from the store, not from the object given: a support session's sign-out is its impersonator's even when the app passes only the id and the user.
      const stored = (await storedSessionOf(context, session.userId, session.id))?.session;
      const tenantId = (stored ?? session).tenantId ?? actor.tenantId;
      const by = actor.by ?? actorOf(undefined, stored);
      // A support session ends alone: the user's devices are not the admin's to sign out. So does a kind "sign out everywhere" leaves (an API token).
      const alone = stored === undefined ? typeof (session as { readonly impersonatorId?: unknown }).impersonatorId === 'string' : stored.impersonatorId !== undefined || !config.everywhereKinds.includes(stored.kind);
      // A failing policy ends nothing, as a failing store does: asked again, the sign-out reaches every device it must.
      const global = actor.thisDeviceOnly !== true && !alone && (await config.globalLogout({ userId: session.userId, tenantId })) === true;
      // Everywhere before this device: a store failure between the two leaves this device signed in, so "Sign out" again reaches every device.
      // Judged after the policy, right before the epoch ends it: this device's sign-out is still recorded, a row ended meanwhile (another's "sign out everywhere") not twice.
      const live = global ? await liveSessionOf(context, session.userId, session.id, config.clock(), false) : undefined;
      if (global) await lifecycle.revokeAll(session.userId, { reason: 'global_logout', by, tenantId });
      await lifecycle.revoke(session.id, { reason: 'sign_out', by, userId: session.userId }, live);
      return { global };
    },
    passwordChanged: async (userId, options) => changeCredential(userId, callOptions('passwordChanged()', options, OPTION_KEYS.credentialChange), 'password_changed', config.onPasswordChange === 'others'),
    async passwordReset(userId, options) {
      const actor = callOptions('passwordReset()', options, OPTION_KEYS.actor);
      await lifecycle.revokeAll(userId, { reason: 'password_reset', by: actor.by, tenantId: actor.tenantId });
    },
    emailChanged: async (userId, options) => changeCredential(userId, callOptions('emailChanged()', options, OPTION_KEYS.credentialChange), 'email_changed', true),
  };
}
