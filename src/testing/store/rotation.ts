import { keepsActivity } from '../../activity/activity.js';
import type { SessionEvent } from '../../events.js';
import type { SessionManager } from '../../manager/api.js';
import { createSessionManager } from '../../manager/index.js';
import type { ValidationResult } from '../../session.js';
import { capabilityTest } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, counting, freshUser } from './fixtures.js';

const ROTATE_AFTER = 10 * 60_000;
const GRACE = 30_000;
const PARALLEL = 50;
const ACCESS_SECRET = 'rotation-conformance-access-token-secret-0123456789';

/** Rotation with reuse detection over this store, through two managers (two app servers) sharing one clock. */
export function describeRotation(suite: StoreSuiteContext): void {
  const { describe, it, expect, raw, sibling } = suite;
  const withActivity = capabilityTest(suite, () => keepsActivity(raw()), 'the store keeps no activity (listActivity)');

  const setup = async () => {
    // Near the real clock: some stores expire rows by it.
    let now = Date.now();
    const counted = counting(raw());
    const options = { clock: () => now, kinds: { remember: { rotateAfter: ROTATE_AFTER, rotationGrace: GRACE } }, accessTokens: { secret: ACCESS_SECRET } };
    const one = createSessionManager({ ...options, store: counted.store });
    const two = createSessionManager({ ...options, store: await sibling() });
    const events: SessionEvent[] = [];
    for (const manager of [one, two]) manager.on('*', (event) => void events.push(event));
    const userId = freshUser();
    const { token, session } = await one.create({ userId, kind: 'remember', userAgent: CHROME_MAC });
    return { one, two, events, userId, token, session, calls: counted.calls, at: (ms: number) => (now = session.createdAt + ms) };
  };

  // What a rotation test looks at in a verdict.
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
        expect(await manager.validate(successor)).toEqual({ ok: false, reason: 'revoked' });
      }
      const reused = events.flatMap((event) => (event.type === 'session.reused' ? [{ userId: event.userId, sessionIds: event.sessionIds, reason: event.reason, device: event.deviceLabel, kind: event.kind }] : []));
      expect(reused).toEqual([{ userId, sessionIds: [session.id], reason: 'token_reused', device: 'Chrome on Mac OS', kind: 'remember' }]);
      expect((await raw().get(session.id))?.session.revokedReason).toBe('token_reused');
    });

    withActivity('reuse writes an activity entry with the device', async () => {
      const { one, token, session, userId, at } = await setup();
      at(ROTATE_AFTER);
      await rotated(one, token);
      at(ROTATE_AFTER + GRACE);
      expect((await one.validate(token)).ok).toBe(false);
      const [latest] = await one.activity(userId, { limit: 1 });
      expect([latest?.type, latest?.reason, latest?.sessionId, latest?.deviceLabel]).toEqual(['session.reused', 'token_reused', session.id, 'Chrome on Mac OS']);
    });

    it('a wrong secret for a known id is refused and changes nothing, inside the grace and after it', async () => {
      const { one, two, token, session, userId, events, at } = await setup();
      at(ROTATE_AFTER);
      const successor = await rotated(one, token);
      const before = await raw().readUser(userId);
      const wrong = `${session.id}.${'A'.repeat(43)}`;
      for (const ms of [ROTATE_AFTER + 1, ROTATE_AFTER + GRACE + 1, 2 * ROTATE_AFTER]) {
        at(ms);
        expect(await two.validate(wrong)).toEqual({ ok: false, reason: 'not_found' });
      }
      expect((await raw().readUser(userId)).version).toBe(before.version);
      expect(events.filter((event) => event.type !== 'session.created')).toEqual([]);
      at(ROTATE_AFTER + 1);
      expect((await one.validate(successor)).ok).toBe(true);
    });

    it('"sign out everywhere" refuses both tokens inside the grace', async () => {
      const { one, two, token, userId, at } = await setup();
      at(ROTATE_AFTER);
      const successor = await rotated(one, token);
      at(ROTATE_AFTER + 1);
      await one.revokeAll(userId);
      for (const candidate of [token, successor]) expect(await two.validate(candidate)).toEqual({ ok: false, reason: 'revoked' });
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
      // Two rotations back is neither the current secret nor the previous one.
      expect(await two.validate(token)).toEqual({ ok: false, reason: 'not_found' });
      expect((await two.validate(second)).ok).toBe(true);
    });

    it('an access token minted before a rotation keeps working; reuse refuses it', async () => {
      const { one, session, token, at } = await setup();
      at(ROTATE_AFTER - 1_000);
      const jwt = await one.issueAccessToken(session);
      at(ROTATE_AFTER);
      await rotated(one, token);
      expect((await one.verifyAccessToken(jwt)).ok).toBe(true);
      at(ROTATE_AFTER + GRACE);
      expect((await one.validate(token)).ok).toBe(false);
      expect((await one.verifyAccessToken(jwt)).ok).toBe(false);
    });

    it('kinds without rotation never rotate', async () => {
      const { one, userId, at } = await setup();
      const { token, session } = await one.create({ userId, kind: 'browser', userAgent: CHROME_MAC });
      at(29 * 24 * 60 * 60_000);
      expect(verdict(await one.validate(token))).toEqual({ ok: true, rotatedToken: undefined });
      expect((await raw().get(session.id))?.session.rotatedAt).toBeUndefined();
    });
  });
}
