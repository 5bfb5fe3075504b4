import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type SessionEvent } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { intercepted } from '../../src/testing/store/fixtures.js';

const MINUTE = 60_000;
const ROTATION = { rotateAfter: 10 * MINUTE, rotationGrace: MINUTE };
const T0 = 1_800_000_000_000;
const lost = () => new SessionError('STORE_UNAVAILABLE', 'The answer was lost.');

// A rotation's batch (the row written with its successor's hash), or a reuse's (`revoke`), fails: `landed` says whether it reached the store first.
function rotationFailsOnce({ landed, failures = 1, write = 'insert' }: { landed: boolean; failures?: number; write?: 'insert' | 'revoke' }) {
  let now = T0;
  let left = 0;
  const store = intercepted(memoryStore(), (method, call, args) => {
    if (method !== 'apply' || left === 0 || !(args[0] as Batch).writes.some((step) => step.type === write)) return call();
    left--;
    return landed ? (call() as Promise<unknown>).then(() => Promise.reject(lost())) : Promise.reject(lost());
  });
  const sessions = createSessionManager({ store, clock: () => now, kinds: { remember: ROTATION } });
  const events: SessionEvent[] = [];
  sessions.on('*', (event) => void events.push(event));
  return { sessions, events, at: (ms: number) => (now = T0 + ms), failNext: () => void (left = failures) };
}

describe('a rotation whose answer is lost', () => {
  for (const [landed, name] of [
    [true, 'once its batch landed: the request gets the successor the row holds'],
    [false, 'before its batch landed: the request rotates on the second try'],
  ] as const) {
    it(`${name}, and the device keeps working after the grace`, async () => {
      const { sessions, events, at, failNext } = rotationFailsOnce({ landed });
      const { token } = await sessions.create({ userId: 'ada', kind: 'remember' });
      at(ROTATION.rotateAfter);
      failNext();
      const rotated = await sessions.validate(token);
      if (!rotated.ok || rotated.rotatedToken === undefined) throw new Error('expected a rotation');
      at(ROTATION.rotateAfter + 2 * MINUTE);
      expect((await sessions.validate(rotated.rotatedToken)).ok).toBe(true);
      expect(events.map((event) => event.type)).not.toContain('session.reused');
    });
  }

  it('twice: the first failure is thrown (a 503 over HTTP), and the cookie the device keeps still works', async () => {
    const { sessions, at, failNext } = rotationFailsOnce({ landed: false, failures: 2 });
    const { token } = await sessions.create({ userId: 'ada', kind: 'remember' });
    at(ROTATION.rotateAfter);
    failNext();
    await expect(sessions.validate(token)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'The answer was lost.' });
    expect(await sessions.validate(token)).toMatchObject({ ok: true, rotatedToken: expect.any(String) });
  });

  for (const [landed, name] of [
    [true, "of a reuse that landed: the retired cookie is refused as reused, not 503, and session.reused is emitted once, for the user's alert"],
    [false, 'of a reuse that did not land: asked again, it ends the session and tells'],
  ] as const) {
    it(name, async () => {
      const { sessions, events, at, failNext } = rotationFailsOnce({ landed, write: 'revoke' });
      const { token, session } = await sessions.create({ userId: 'ada', kind: 'remember' });
      at(ROTATION.rotateAfter);
      const rotated = await sessions.validate(token);
      if (!rotated.ok || rotated.rotatedToken === undefined) throw new Error('expected a rotation');
      at(ROTATION.rotateAfter + 2 * MINUTE);
      failNext();
      expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'reused' });
      expect(await sessions.validate(rotated.rotatedToken)).toEqual({ ok: false, reason: 'reused' });
      expect(events.filter((event) => event.type === 'session.reused').map((event) => event.sessionIds)).toEqual([[session.id]]);
    });
  }
});
