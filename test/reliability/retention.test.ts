import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import { TestClock, UA } from '../support/clock.js';
import { record } from './support/figures.js';
import { availableStores, kitsOfThisFile } from './support/kits.js';
import type { StoreKit } from './support/stores.js';

const stores = await availableStores();
const kits = kitsOfThisFile();

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** Access tokens: default lifetime, the longest one issueAccessToken accepts, clock tolerance. */
const TTL = MINUTE;
const MAX_TTL = 2 * MINUTE;
const TOLERANCE = 5 * SECOND;
/** Sessions live ten minutes here, so pruning has rows to delete within a test. */
const MAX_AGE = 10 * MINUTE;
const SECRET = 'reliability-suite-hs256-secret-0123456789';

/**
 * A manager over `store` on `clock`. Access-token verification reads the store every time
 * (`epochCacheTtl: 0`), so what it answers is what the store holds, pruning included.
 */
function manager(store: SessionStore, clock: () => number): SessionManager {
  return createSessionManager({
    store,
    clock,
    maxAge: MAX_AGE,
    accessTokens: { secret: SECRET, ttl: TTL, maxTtl: MAX_TTL, clockTolerance: TOLERANCE },
    epochCacheTtl: 0,
    onError: () => undefined,
  });
}

/** A clock at a whole second near now (Redis expires keys by the real clock: stay near it). */
const startClock = (): TestClock => new TestClock(Math.ceil(Date.now() / SECOND) * SECOND + SECOND);

type Verdict = 'ok' | string;
const verdict = (result: { ok: boolean; reason?: string }): Verdict => (result.ok ? 'ok' : (result.reason ?? 'refused'));

/**
 * Walks `clock` from `from` to `to` in `step` ms; at each instant verifies `jwt`, prunes twice,
 * verifies again. Returns the instants where pruning turned a refusal into an acceptance, or
 * where the token was accepted at all while `mustRefuseUntil` had not passed.
 */
async function walk(
  sessions: SessionManager,
  clock: TestClock,
  jwt: string,
  range: { from: number; to: number; step: number; mustRefuseUntil: number },
): Promise<{ checks: number; broken: string[] }> {
  const broken: string[] = [];
  let checks = 0;
  for (let at = range.from; at <= range.to; at += range.step) {
    clock.set(at);
    const before = verdict(await sessions.verifyAccessToken(jwt));
    await sessions.prune();
    await sessions.prune();
    const after = verdict(await sessions.verifyAccessToken(jwt));
    checks += 1;
    if (before !== 'ok' && after === 'ok') broken.push(`+${at - range.from} ms: ${before} before pruning, accepted after`);
    else if (after === 'ok' && at < range.mustRefuseUntil) broken.push(`+${at - range.from} ms: accepted`);
  }
  return { checks, broken };
}

/** The last instant (ms) a verifier accepts a token by its expiry: exp (s) + tolerance. */
function lastAcceptable(jwt: string): number {
  const { exp } = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { exp: number };
  return exp * SECOND + TOLERANCE - 1;
}

for (const [name, up] of stores) {
  describe.skipIf(!up)(`retention on ${name}: pruning never frees what a presentable token or session needs`, () => {
    const open = (): Promise<StoreKit> => kits.open(name);

    it('a revoked session\'s access token stays refused, pruning or not, until it expires (token minted before the revocation)', async () => {
      const kit = await open();
      const clock = startClock();
      const sessions = manager(await kit.store(), clock.read);
      const { session } = await sessions.create({ userId: 'retention-a', userAgent: UA.chromeMac });
      const jwt = await sessions.issueAccessToken(session, { ttl: MAX_TTL });
      clock.advance(1);
      expect(await sessions.revoke(session.id)).toBe(true);
      const revokedAt = clock.now;
      const end = lastAcceptable(jwt);
      const { checks, broken } = await walk(sessions, clock, jwt, { from: revokedAt, to: end + SECOND, step: 7 * SECOND, mustRefuseUntil: end + 1 });
      const edge = await walk(sessions, clock, jwt, { from: end - 3 * SECOND, to: end + 2, step: 250, mustRefuseUntil: end + 1 });
      record(`retention ${name}: revoked before`, { requests: (checks + edge.checks) * 4, revocations: 1, violations: broken.length + edge.broken.length });
      expect([...broken, ...edge.broken]).toEqual([]);
    });

    it('an access token minted by an instance whose clock runs ahead (within clockTolerance) stays refused after the revocation while it can be presented', async () => {
      const kit = await open();
      const clock = startClock();
      // The instance that revokes and verifies, and one whose clock is TOLERANCE - 1 ms ahead:
      // exactly the skew the tolerance exists for. It mints the token a moment before the
      // revocation (in real order), though its clock already reads later.
      const verifier = manager(await kit.store(), clock.read);
      const issuer = manager(await kit.store(), () => clock.now + TOLERANCE - 1);
      const { session } = await verifier.create({ userId: 'retention-skew', userAgent: UA.firefoxWindows });
      const jwt = await issuer.issueAccessToken(session, { ttl: MAX_TTL });
      expect(await verifier.revoke(session.id)).toBe(true);
      const revokedAt = clock.now;
      const end = lastAcceptable(jwt);
      const { checks, broken } = await walk(verifier, clock, jwt, { from: revokedAt + 1, to: end + SECOND, step: 500, mustRefuseUntil: end + 1 });
      record(`retention ${name}: skewed issuer`, { requests: checks * 4, revocations: 1, violations: broken.length });
      expect(broken, `the deny-list entry was pruned at the revocation + maxTtl + clockTolerance = +${MAX_TTL + TOLERANCE} ms, but the token is presentable until +${end - revokedAt} ms`).toEqual([]);
    });

    it('a session replaced by a new sign-in from the same browser, and one logged out by "other devices": their tokens stay refused until they expire', async () => {
      const kit = await open();
      const clock = startClock();
      const sessions = manager(await kit.store(), clock.read);
      const { session: old } = await sessions.create({ userId: 'retention-r', userAgent: UA.safariIphone });
      const { session: other } = await sessions.create({ userId: 'retention-r', userAgent: UA.chromeMac });
      const oldJwt = await sessions.issueAccessToken(old, { ttl: MAX_TTL });
      const otherJwt = await sessions.issueAccessToken(other, { ttl: MAX_TTL });
      clock.advance(1);
      const { session: fresh } = await sessions.create({ userId: 'retention-r', userAgent: UA.safariIphone });
      expect((await sessions.revokeOthers('retention-r', fresh.id)).revokedIds).toEqual([other.id]);
      const start = clock.now;
      const results = [
        await walk(sessions, clock, oldJwt, { from: start, to: lastAcceptable(oldJwt) + SECOND, step: 9 * SECOND, mustRefuseUntil: lastAcceptable(oldJwt) + 1 }),
      ];
      clock.set(start);
      results.push(await walk(sessions, clock, otherJwt, { from: start, to: lastAcceptable(otherJwt) + SECOND, step: 9 * SECOND, mustRefuseUntil: lastAcceptable(otherJwt) + 1 }));
      const broken = results.flatMap((result) => result.broken);
      record(`retention ${name}: replaced and others`, { requests: results.reduce((sum, result) => sum + result.checks * 4, 0), revocations: 2, violations: broken.length });
      expect(broken).toEqual([]);
    });

    it('after "sign out everywhere" the epoch outlives the pruned sessions: a token minted just before the session expired stays refused to its end, cookies stay refused', async () => {
      const kit = await open();
      const clock = startClock();
      const sessions = manager(await kit.store(), clock.read);
      const { session, token } = await sessions.create({ userId: 'retention-e', userAgent: UA.edgeWindows });
      clock.set(session.expiresAt - SECOND);
      const jwt = await sessions.issueAccessToken(session, { ttl: MAX_TTL });
      clock.advance(1);
      const { epochs } = await sessions.revokeAll('retention-e');
      const end = lastAcceptable(jwt);
      const { checks, broken } = await walk(sessions, clock, jwt, { from: clock.now, to: end + SECOND, step: 5 * SECOND, mustRefuseUntil: end + 1 });
      // The session's row is gone (pruned after its expiry); the epoch is not.
      expect(await sessions.store.get(session.id)).toBeNull();
      expect((await sessions.store.readUser('retention-e')).epochs['browser']).toBe(epochs['browser']);
      expect((await sessions.validate(token)).ok).toBe(false);
      record(`retention ${name}: epoch after expiry`, { requests: checks * 4 + 3, revocations: 1, violations: broken.length });
      expect(broken).toEqual([]);
    });

    it('pruning twice changes nothing: the second pass deletes nothing and every user reads the same', async () => {
      const kit = await open();
      const clock = startClock();
      const sessions = manager(await kit.store(), clock.read);
      const users = ['twice-a', 'twice-b', 'twice-c'];
      for (const [index, userId] of users.entries()) {
        for (const userAgent of [UA.chromeMac, UA.firefoxWindows, UA.safariIphone, UA.chromeMac]) {
          const { session } = await sessions.create({ userId, userAgent });
          if (index === 1) await sessions.revoke(session.id);
          clock.advance(30 * SECOND);
        }
        if (index === 2) await sessions.revokeAll(userId);
        clock.advance(4 * MINUTE);
      }
      // Some rows expired, some deny-list entries ran out, others not yet.
      clock.set(clock.now + MAX_AGE - 8 * MINUTE);
      const snapshot = async (): Promise<string> =>
        JSON.stringify(
          await Promise.all(
            users.map(async (userId) => {
              const { sessions: rows, epochs, denied } = await sessions.store.readUser(userId);
              const sorted = rows.map((row) => ({ ...row, secretHash: Buffer.from(row.secretHash).toString('hex') })).sort((a, b) => a.id.localeCompare(b.id));
              return { userId, rows: sorted, epochs, denied: Object.entries(denied).sort() };
            }),
          ),
        );
      const first = await sessions.prune();
      const afterFirst = await snapshot();
      const second = await sessions.prune();
      const afterSecond = await snapshot();
      record(`retention ${name}: prune twice`, { requests: 16, revocations: 5, violations: Number(second !== 0) + Number(afterFirst !== afterSecond) });
      expect(first).toBeGreaterThan(0);
      expect(second).toBe(0);
      expect(afterSecond).toBe(afterFirst);
    });
  });
}

describe('retention, property: pruning never turns a refusal into an acceptance (memory store)', () => {
  // Operations on a few users' sessions; after each, every token ever minted is verified,
  // then the store is pruned, then verified again: pruning must never turn a refusal into an
  // acceptance, and a token refused as revoked must never be accepted again.
  type Operation =
    | { kind: 'create'; user: number; device: number }
    | { kind: 'issue'; pick: number; skew: number; ttl: number }
    | { kind: 'revoke'; pick: number }
    | { kind: 'everywhere'; user: number }
    | { kind: 'others'; pick: number }
    | { kind: 'advance'; ms: number }
    // Jump close to the end of a token's life, where retention bugs live.
    | { kind: 'nearEnd'; pick: number; before: number };
  const operation: fc.Arbitrary<Operation> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), user: fc.nat(2), device: fc.nat(2) }),
    fc.record({
      kind: fc.constant('issue' as const),
      pick: fc.nat(),
      skew: fc.oneof(fc.integer({ min: -TOLERANCE + 1, max: TOLERANCE - 1 }), fc.constant(TOLERANCE - 1)),
      ttl: fc.oneof(fc.integer({ min: SECOND, max: MAX_TTL }), fc.constant(MAX_TTL)),
    }),
    fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('everywhere' as const), user: fc.nat(2) }),
    fc.record({ kind: fc.constant('others' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 1, max: 10 * SECOND }), fc.integer({ min: 1, max: 3 * MINUTE })) }),
    fc.record({ kind: fc.constant('nearEnd' as const), pick: fc.nat(), before: fc.integer({ min: 0, max: 2 * TOLERANCE }) }),
  );

  it('holds for random histories with issuers whose clocks differ within clockTolerance', async () => {
    let checks = 0;
    let counterexample = '';
    const property = fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 40 }), async (operations) => {
      const kit = await kits.open('memory');
      const clock = startClock();
      const origin = clock.now;
      const store = await kit.store();
      const sessions = manager(store, clock.read);
      const issuers = new Map<number, SessionManager>();
      const issuer = (skew: number): SessionManager => {
        let found = issuers.get(skew);
        if (found === undefined) issuers.set(skew, (found = manager(store, () => clock.now + skew)));
        return found;
      };
      const created: Array<{ id: string; userId: string; kind: string; createdAt: number }> = [];
      const tokens: Array<{ jwt: string; refusedSince?: number }> = [];
      const users = ['p0', 'p1', 'p2'];
      for (const step of operations) {
        if (step.kind === 'create') {
          created.push((await sessions.create({ userId: users[step.user]!, userAgent: [UA.chromeMac, UA.firefoxWindows, UA.safariIphone][step.device] })).session);
        } else if (step.kind === 'issue' && created.length > 0) {
          // As an app does: mint for a session it just validated (so before any revocation of
          // it), on an instance whose clock may differ from the others' within the tolerance.
          const session = created[step.pick % created.length]!;
          if ((await sessions.store.get(session.id)) !== null && (await sessions.list(session.userId)).some((view) => view.id === session.id)) {
            tokens.push({ jwt: await issuer(step.skew).issueAccessToken(session, { ttl: step.ttl }) });
          }
        } else if (step.kind === 'revoke' && created.length > 0) {
          await sessions.revoke(created[step.pick % created.length]!.id);
        } else if (step.kind === 'everywhere') {
          await sessions.revokeAll(users[step.user]!);
        } else if (step.kind === 'others' && created.length > 0) {
          const keep = created[step.pick % created.length]!;
          await sessions.revokeOthers(keep.userId, keep.id);
        } else if (step.kind === 'advance') {
          clock.advance(step.ms);
        } else if (step.kind === 'nearEnd' && tokens.length > 0) {
          clock.set(Math.max(clock.now, lastAcceptable(tokens[step.pick % tokens.length]!.jwt) - step.before));
        }
        for (const token of tokens) {
          const before = await sessions.verifyAccessToken(token.jwt);
          await sessions.prune();
          const after = await sessions.verifyAccessToken(token.jwt);
          checks += 1;
          if (!before.ok && before.reason === 'revoked') token.refusedSince ??= clock.now;
          const broken = (!before.ok && after.ok) || (after.ok && token.refusedSince !== undefined);
          if (broken) {
            counterexample = `${JSON.stringify(operations)}: a token answered ${verdict(before)} before pruning and ${verdict(after)} after, at +${clock.now - origin} ms`;
            return false;
          }
        }
      }
      return true;
    });
    const outcome = await fc.check(property, { numRuns: 2_000, seed: Number(process.env['RELIABILITY_SEED'] ?? Date.now() % 2 ** 31) });
    record('retention property (memory)', { requests: checks * 2, violations: Number(outcome.failed) });
    expect(outcome.failed, `${fc.defaultReportMessage(outcome) ?? ''}\n${counterexample}`).toBe(false);
  });
});
