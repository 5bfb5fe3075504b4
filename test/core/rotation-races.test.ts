import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionEvent } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';

const MINUTE = 60_000;
const ROTATION = { rotateAfter: 10 * MINUTE, rotationGrace: MINUTE };
const T0 = 1_800_000_000_000;

// A rotated remember-me session on a store whose next get() lets `overtake` finish before it answers the row it read.
async function rotatedSession() {
  let now = T0;
  const inner = memoryStore();
  let overtake: (() => Promise<unknown>) | undefined;
  const store: SessionStore = {
    ...inner,
    get: async (id) => {
      const found = await inner.get(id);
      const step = overtake;
      overtake = undefined;
      await step?.();
      return found;
    },
  };
  const sessions = createSessionManager({ store, clock: () => now, kinds: { remember: ROTATION } });
  const { token, session } = await sessions.create({ userId: 'ada', kind: 'remember' });
  now += ROTATION.rotateAfter;
  const first = await sessions.validate(token);
  if (!first.ok || first.rotatedToken === undefined) throw new Error('the session did not rotate');
  now += ROTATION.rotateAfter;
  return { inner, sessions, session, token: first.rotatedToken, retired: token, overtake: (step: () => Promise<unknown>) => void (overtake = step) };
}

describe('a rotation overtaken by a sign-out between the request\'s read and its rotation', () => {
  it('revokeAll: the request is refused, nothing is rotated and no new cookie is handed out', async () => {
    const { inner, sessions, session, token, overtake } = await rotatedSession();
    overtake(() => sessions.revokeAll('ada'));
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await inner.get(session.id))!.session.rotatedAt).toBe(T0 + ROTATION.rotateAfter);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('revoke of the session: refused, and the row stays revoked', async () => {
    const { inner, sessions, session, token, overtake } = await rotatedSession();
    overtake(() => sessions.revoke(session.id));
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await inner.get(session.id))!.session.revokedReason).toBe('revoked');
  });

  it('revokeAll overtaking a reuse of the retired cookie: the session stays ended by the sign-out, with no reuse recorded or announced', async () => {
    const { inner, sessions, session, retired, overtake } = await rotatedSession();
    const reused: SessionEvent[] = [];
    sessions.on('session.reused', (event) => void reused.push(event));
    overtake(() => sessions.revokeAll('ada'));
    expect((await sessions.validate(retired)).ok).toBe(false);
    expect(reused).toEqual([]);
    expect((await inner.get(session.id))!.session.revokedReason).toBeUndefined();
    expect(await sessions.liveness(session.id)).toEqual({ live: false, reason: 'revoked' });
  });
});
