import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';

// Every path that acts on a stored session asks the one liveness rule: a row that validate()
// refuses (idle, expired, revoked by its user's epoch or its tenant's) is refused by every
// other caller too, and a live one is accepted by all of them.

const HOUR = 60 * 60 * 1000;
const T = Date.UTC(2026, 0, 1);

type State = 'live' | 'idle' | 'expired' | 'epoch-revoked' | 'tenant-revoked';

interface Setup {
  readonly sessions: SessionManager;
  readonly token: string;
  readonly sessionId: string;
  readonly userId: string;
}

/** A manager (idle timeout 1 h, lifetime 2 h) and a session of `alice` in `acme`, brought to `state`. */
async function sessionIn(state: State): Promise<Setup> {
  let now = T;
  const sessions = createSessionManager({
    store: memoryStore(),
    clock: () => now,
    kinds: { browser: { idleTimeout: HOUR, maxAge: 2 * HOUR } },
  });
  const { token, session } = await sessions.create({ userId: 'alice', tenantId: 'acme' });
  now += 1_000;
  if (state === 'idle') now += HOUR;
  if (state === 'expired') now += 2 * HOUR;
  if (state === 'epoch-revoked') await sessions.revokeAll('alice');
  if (state === 'tenant-revoked') await sessions.revokeTenant('acme');
  now += 1_000;
  return { sessions, token, sessionId: session.id, userId: 'alice' };
}

/** Each caller's answer, reduced to whether it took the session for live. */
const callers: Record<string, (setup: Setup) => Promise<boolean>> = {
  validate: async ({ sessions, token }) => (await sessions.validate(token)).ok,
  list: async ({ sessions, userId, sessionId }) => (await sessions.list(userId)).some((view) => view.id === sessionId),
  passwordChanged: async ({ sessions, userId, sessionId }) => (await sessions.passwordChanged(userId, { currentSessionId: sessionId })).token !== undefined,
  emailChanged: async ({ sessions, userId, sessionId }) => (await sessions.emailChanged(userId, { currentSessionId: sessionId })).token !== undefined,
  reauthenticated: async ({ sessions, sessionId }) => (await sessions.reauthenticated(sessionId)) !== null,
  impersonate: async ({ sessions, userId, sessionId }) =>
    sessions.impersonate({ id: sessionId, userId }, 'bob').then(
      () => true,
      (error: { code?: string }) => {
        expect(error.code).toBe('UNAUTHENTICATED');
        return false;
      },
    ),
  exportUser: async ({ sessions, userId, sessionId }) => (await sessions.exportUser(userId)).sessions.find((row) => row.id === sessionId)?.status === 'live',
  liveness: async ({ sessions, sessionId }) => (await sessions.liveness(sessionId)).live,
};

describe('one liveness rule for every caller', () => {
  for (const [caller, takesForLive] of Object.entries(callers)) {
    describe(caller, () => {
      it('takes a live session for live', async () => {
        const setup = await sessionIn('live');
        expect(await takesForLive(setup)).toBe(true);
      });

      it.each(['idle', 'expired', 'epoch-revoked', 'tenant-revoked'] as const)('refuses a session that validate() calls %s', async (state) => {
        const setup = await sessionIn(state);
        expect((await setup.sessions.validate(setup.token)).ok).toBe(false);
        // validate() touches nothing of a refused session: the caller sees the same row.
        expect(await takesForLive(setup)).toBe(false);
      });
    });
  }

  it('gives no fresh token for an idle current session on a password or email change, as reauthenticated() gives none', async () => {
    for (const change of ['passwordChanged', 'emailChanged'] as const) {
      const { sessions, userId, sessionId, token } = await sessionIn('idle');
      expect(await sessions.reauthenticated(sessionId)).toBeNull();
      const result = await sessions[change](userId, { currentSessionId: sessionId });
      expect(result).toEqual({});
      expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    }
  });
});
