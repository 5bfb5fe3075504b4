import type { SessionEvent } from '../../events.js';
import type { SessionManager } from '../../manager/api.js';
import { createSessionManager } from '../../manager/index.js';
import type { ValidationResult } from '../../session.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, counting, freshUser, intercepted } from './fixtures.js';

const ROTATE_AFTER = 10 * 60_000;
const GRACE = 30_000;
const PARALLEL = 50;

/** Rotation with reuse detection over this store, through two managers (two app servers) sharing one clock; what a wrong secret, an epoch or reuse do to its tokens is the rules', tested once. */
export function describeRotation({ describe, it, expect, raw, sibling }: StoreSuiteContext): void {
  const setup = async () => {
    // Near the real clock: some stores expire rows by it.
    let now = Date.now();
    const counted = counting(raw());
    // `before(method, first)`: the other server acts right before server one's next call of `method`.
    let next: { method: string; first: () => Promise<unknown> } | undefined;
    const store = intercepted(counted.store, (method, call) => {
      const first = next?.method === method ? next.first : undefined;
      if (first !== undefined) next = undefined;
      return first === undefined ? call() : first().then(call);
    });
    const options = { clock: () => now, kinds: { remember: { rotateAfter: ROTATE_AFTER, rotationGrace: GRACE } } };
    const one = createSessionManager({ ...options, store });
    const two = createSessionManager({ ...options, store: await sibling() });
    const events: SessionEvent[] = [];
    for (const manager of [one, two]) manager.on('*', (event) => void events.push(event));
    const userId = freshUser();
    const { token, session } = await one.create({ userId, kind: 'remember', userAgent: CHROME_MAC });
    const before = (method: string, first: () => Promise<unknown>): void => void (next = { method, first });
    return { one, two, events, userId, token, session, before, calls: counted.calls, at: (ms: number) => (now = session.createdAt + ms) };
  };

  const verdict = (result: ValidationResult) => (result.ok ? { ok: true, rotatedToken: result.rotatedToken } : result);

  // Rotates `token` on `manager` at the due time: the successor.
  const rotated = async (manager: SessionManager, token: string): Promise<string> => {
    const result = await manager.validate(token);
    if (!result.ok || result.rotatedToken === undefined) throw new Error(`expected a rotation, got ${JSON.stringify(result)}`);
    return result.rotatedToken;
  };

  describe('rotation with reuse detection', () => {
    it(`${PARALLEL} parallel validations of the previous token from two servers: all ok, one successor, which both accept`, async () => {
      const { one, two, token, at } = await setup();
      at(ROTATE_AFTER);
      const results = await Promise.all(Array.from({ length: PARALLEL }, (_, index) => (index % 2 === 0 ? one : two).validate(token)));
      expect(results.filter((result) => result.ok).length).toBe(PARALLEL);
      const successors = new Set(results.map((result) => (result.ok ? result.rotatedToken : undefined)));
      expect(successors.size).toBe(1);
      const [successor] = [...successors];
      expect(successor).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect(successor).not.toBe(token);
      for (const manager of [one, two]) expect(verdict(await manager.validate(successor))).toEqual({ ok: true, rotatedToken: undefined });
    }, 60_000);

    it('keeps the session id, one row, and the previous token inside the grace gets the same successor, with no write', async () => {
      const { one, two, token, session, userId, calls, at } = await setup();
      at(ROTATE_AFTER);
      const successor = await rotated(one, token);
      expect(successor.slice(0, 22)).toBe(session.id);
      expect((await one.list(userId)).map((row) => row.id)).toEqual([session.id]);
      at(ROTATE_AFTER + GRACE - 1);
      calls.clear();
      expect(verdict(await one.validate(token))).toEqual({ ok: true, rotatedToken: successor });
      expect(calls.get('apply')).toBeUndefined();
      expect(verdict(await two.validate(token))).toEqual({ ok: true, rotatedToken: successor });
    });

    it('after the grace the previous token is reuse: the session ends, both tokens are refused on the other server too', async () => {
      const { one, two, token, session, userId, events, at } = await setup();
      at(ROTATE_AFTER);
      const successor = await rotated(one, token);
      at(ROTATE_AFTER + GRACE);
      expect(await two.validate(token)).toEqual({ ok: false, reason: 'reused' });
      for (const manager of [one, two]) {
        expect((await manager.validate(token)).ok).toBe(false);
        expect(await manager.validate(successor)).toEqual({ ok: false, reason: 'reused' });
        expect(await manager.liveness(session.id)).toEqual({ live: false, reason: 'reused' });
      }
      const reused = events.flatMap((event) => (event.type === 'session.reused' ? [{ userId: event.userId, sessionIds: event.sessionIds, reason: event.reason, device: event.deviceLabel, kind: event.kind }] : []));
      expect(reused).toEqual([{ userId, sessionIds: [session.id], reason: 'token_reused', device: 'Chrome on Mac OS', kind: 'remember' }]);
      expect((await raw().get(session.id))?.session.revokedReason).toBe('token_reused');
    });

    it('counts from the last rotation, and adds no store call while not due', async () => {
      const { one, two, token, calls, at } = await setup();
      at(ROTATE_AFTER - 1);
      calls.clear();
      expect(verdict(await one.validate(token))).toEqual({ ok: true, rotatedToken: undefined });
      // The read of the hot path and the throttled touch, as without rotation: no user read, no batch.
      expect([...calls.keys()].sort()).toEqual(['get', 'touch']);
      at(ROTATE_AFTER);
      const first = await rotated(two, token);
      at(2 * ROTATE_AFTER - 1);
      expect(verdict(await one.validate(first))).toEqual({ ok: true, rotatedToken: undefined });
      at(2 * ROTATE_AFTER);
      const second = await rotated(one, first);
      expect(new Set([token, first, second]).size).toBe(3);
      // Two rotations back is reuse too (a copy used twice while its owner was away): the session ends.
      expect(await two.validate(token)).toEqual({ ok: false, reason: 'reused' });
      expect(await one.validate(second)).toEqual({ ok: false, reason: 'reused' });
    });

    it("a sign-out on the other server between a rotation's read and its write: refused, no new cookie, and the session stays ended", async () => {
      const { one, two, token, session, before, at } = await setup();
      at(ROTATE_AFTER);
      before('apply', () => two.revoke(session.id));
      expect(await one.validate(token)).toEqual({ ok: false, reason: 'revoked' });
      for (const manager of [one, two]) expect(await manager.validate(token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await raw().get(session.id))?.session.rotatedAt).toBeUndefined();
    });

    it("an erasure on the other server between a rotation's read and its write: refused, and nothing of the user is written back", async () => {
      const { one, two, token, session, userId, before, at } = await setup();
      at(ROTATE_AFTER);
      before('apply', () => two.eraseUser(userId));
      expect((await one.validate(token)).ok).toBe(false);
      expect(await raw().get(session.id)).toBeNull();
      expect((await raw().readUser(userId)).sessions).toEqual([]);
    });
  });
}
