import { keepsActivity } from '../../activity/activity.js';
import { isSessionError } from '../../errors.js';
import type { CreatedSession, SessionManager } from '../../manager/api.js';
import { createSessionManager } from '../../manager/index.js';
import type { SessionManagerOptions } from '../../options.js';
import { capabilityTest } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { apart, CHROME_MAC, freshUser, intercepted, SAFARI_IPHONE, sorted } from './fixtures.js';

const SIGN_INS = 16;
const CAP = 3;
// "Sign out everywhere" races this many chains of sign-ins, each awaiting the one before.
const CHAINS = 4;
const CHAIN_LENGTH = 4;
// One user's sign-ins kept in flight on each server: a crowd that, racing itself, would lose the version more times than a sign-in has attempts.
const WORKERS = 20;
const ROUNDS = 10;

type Outcome = { readonly created: CreatedSession; readonly code?: undefined } | { readonly created?: undefined; readonly code: string };

// A sign-in's outcome as the app sees it: the session, or the code it was refused with.
const settle = (signIn: Promise<CreatedSession>): Promise<Outcome> =>
  signIn.then((created) => ({ created }), (error: unknown) => ({ code: isSessionError(error) ? error.code : String(error) }));

// The ids of the sessions `server` lets in, sorted: validate's verdict is what users see.
async function admitted(server: SessionManager, sessions: readonly CreatedSession[]): Promise<string[]> {
  const ids: string[] = [];
  for (const { token, session } of sessions) if ((await server.validate(token)).ok) ids.push(session.id);
  return ids.sort();
}

const tenantName = (tenantId: string | undefined): string => tenantId ?? '(no tenant)';

/** Races between two app servers, through the manager only, so they hold whatever the store contract. */
export function describeManagerRaces(suite: StoreSuiteContext): void {
  const { describe, it, expect, raw, sibling, slowTimeout } = suite;
  const withLinks = capabilityTest(suite, () => keepsActivity(raw()), 'the store lists no activity, so it keeps no revocation links (listActivity)');

  const twoServers = async (options: SessionManagerOptions = {}): Promise<[SessionManager, SessionManager]> => [
    createSessionManager({ ...options, store: raw() }),
    createSessionManager({ ...options, store: await sibling() }),
  ];

  // A server whose store runs `first` once, before its next call of `method`: another server acting in between.
  const interrupted = (options: SessionManagerOptions = {}) => {
    let next: { method: string; first: () => Promise<unknown> } | undefined;
    const store = intercepted(raw(), (method, call) => {
      const first = next?.method === method ? next.first : undefined;
      if (first !== undefined) next = undefined;
      return first === undefined ? call() : first().then(call);
    });
    const before = (method: string, first: () => Promise<unknown>): void => void (next = { method, first });
    return Object.assign(createSessionManager({ ...options, store }), { before });
  };

  // 16 sign-ins of one user at once, alternating servers; across tenants, each server signs in to both tenants, and the cap holds per tenant.
  const capRace = (onMaxSessions: 'evict-oldest' | 'refuse', acrossTenants: boolean) => async () => {
    const servers = await twoServers({ maxSessions: { browser: CAP }, onMaxSessions });
    const user = freshUser();
    const tenants = acrossTenants ? [freshUser('tenant'), freshUser('tenant')] : [undefined];
    const evictions: Array<{ id: string; tenant: string }> = [];
    for (const server of servers) {
      server.on('session.revoked', (event) => {
        if (event.reason === 'session_limit') for (const id of event.sessionIds ?? []) evictions.push({ id, tenant: tenantName(event.tenantId) });
      });
    }
    const tenantOf = (index: number) => tenants[(index >> 1) % tenants.length];
    const outcomes = await Promise.all(Array.from({ length: SIGN_INS }, (_, index) => settle(servers[index % 2]!.create({ userId: user, tenantId: tenantOf(index) }))));
    const created = outcomes.flatMap((outcome) => (outcome.created === undefined ? [] : [outcome.created]));
    const refusals = outcomes.flatMap((outcome) => (outcome.code === undefined ? [] : [outcome.code]));
    const kept = onMaxSessions === 'refuse' ? CAP * tenants.length : SIGN_INS;
    expect(refusals).toEqual(Array.from({ length: SIGN_INS - kept }, () => 'SESSION_LIMIT'));
    expect(created).toHaveLength(kept);
    const tenantById = new Map(created.map(({ session }) => [session.id, tenantName(session.tenantId)]));
    const live = await admitted(servers[0], created);
    const names = tenants.map(tenantName);
    const perTenant = (ids: readonly string[]) => Object.fromEntries(names.map((name) => [name, ids.filter((id) => tenantById.get(id) === name).length]));
    expect(perTenant(live)).toEqual(Object.fromEntries(names.map((name) => [name, CAP])));
    // The other server sees the same sessions, and lists exactly those.
    expect(await admitted(servers[1], created)).toEqual(live);
    for (const server of servers) expect(sorted((await server.list(user)).map((view) => view.id))).toEqual(live);
    // Every session not kept was evicted, reported once, by a sign-in to its own tenant, and is refused everywhere.
    const dead = sorted(tenantById.keys()).filter((id) => !live.includes(id));
    expect(sorted(evictions.map((eviction) => eviction.id))).toEqual(dead);
    for (const eviction of evictions) expect(eviction.tenant).toBe(tenantById.get(eviction.id));
    const evicted = new Set(dead);
    for (const server of servers) {
      for (const { token, session } of created) if (evicted.has(session.id)) expect(await server.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    }
  };

  describe('races between two app servers, through the manager', () => {
    it(`${SIGN_INS} concurrent sign-ins over maxSessions ${CAP} ("evict-oldest"): ${CAP} stay, every evicted one is refused on both`, capRace('evict-oldest', false), slowTimeout);
    it(`${SIGN_INS} concurrent sign-ins over maxSessions ${CAP} ("refuse"): ${CAP} succeed, the rest are refused with SESSION_LIMIT`, capRace('refuse', false), slowTimeout);
    it(`${SIGN_INS} concurrent sign-ins to two tenants ("evict-oldest"): ${CAP} stay in each tenant`, capRace('evict-oldest', true), slowTimeout);
    it(`${SIGN_INS} concurrent sign-ins to two tenants ("refuse"): ${CAP} succeed in each tenant, the rest are refused`, capRace('refuse', true), slowTimeout);

    it('"sign out everywhere" racing sign-ins on the other server: what came before ends, what came after stays', async () => {
      const [one, two] = await twoServers();
      const user = freshUser();
      const before: CreatedSession[] = [];
      for (let index = 0; index < 4; index++) before.push(await (index % 2 === 0 ? one : two).create({ userId: user }));

      // Steps order the calls and answers as the app saw them.
      let step = 0;
      const attempts: Array<{ start: number; end: number; created: CreatedSession }> = [];
      const refused: Array<{ start: number; end: number }> = [];
      let firstAnswered = (): void => undefined;
      const firstSignIn = new Promise<void>((resolve) => (firstAnswered = resolve));
      const chain = async () => {
        for (let index = 0; index < CHAIN_LENGTH; index++) {
          const start = ++step;
          // One under way when the sign-out landed may be refused, nothing stored: it began before the sign-out.
          const created = await two.create({ userId: user }).catch((error: unknown) => {
            if (!isSessionError(error) || error.code !== 'UNAUTHENTICATED') throw error;
          });
          if (created === undefined) refused.push({ start, end: ++step });
          else attempts.push({ start, end: ++step, created });
          firstAnswered();
        }
      };
      const signOutEverywhere = async () => {
        await firstSignIn;
        const start = ++step;
        await one.revokeAll(user);
        return { start, end: ++step };
      };
      const [everywhere] = await Promise.all([signOutEverywhere(), ...Array.from({ length: CHAINS }, chain)]);
      const after = [await one.create({ userId: user }), await two.create({ userId: user })];

      const live = new Set(await admitted(one, attempts.map((attempt) => attempt.created)));
      expect(await admitted(two, attempts.map((attempt) => attempt.created))).toEqual(sorted(live));
      for (const server of [one, two]) {
        for (const { token } of before) expect(await server.validate(token)).toEqual({ ok: false, reason: 'revoked' });
        for (const { token } of after) expect((await server.validate(token)).ok).toBe(true);
      }
      expect(refused.filter((attempt) => attempt.end < everywhere.start || attempt.start > everywhere.end)).toEqual([]);
      const isLive = (attempt: (typeof attempts)[number]) => live.has(attempt.created.session.id);
      // Answered before "sign out everywhere" was asked: ended. Asked after it answered: live.
      expect(attempts.filter((attempt) => attempt.end < everywhere.start && isLive(attempt))).toEqual([]);
      expect(attempts.filter((attempt) => attempt.start > everywhere.end && !isLive(attempt))).toEqual([]);
      // One order for all: a sign-in asked after a live one answered is live too.
      const outOfOrder = attempts.flatMap((earlier) =>
        isLive(earlier) ? attempts.filter((later) => later.start > earlier.end && !isLive(later)).map((later) => [earlier.start, later.start]) : [],
      );
      expect(outOfOrder).toEqual([]);
      const expected = sorted([...live, ...after.map(({ session }) => session.id)]);
      for (const server of [one, two]) expect(sorted((await server.list(user)).map((view) => view.id))).toEqual(expected);
    }, slowTimeout);

    it(`${WORKERS} sign-ins of one user in flight on each server, ${ROUNDS} times over: every one succeeds and stays live`, async () => {
      // A sign-in's background work (the device it came from) counts too.
      const failures: string[] = [];
      const servers = await twoServers({ onError: (error) => void failures.push(String(error)) });
      const user = freshUser();
      const signIns = async (server: SessionManager): Promise<Outcome[]> => {
        const outcomes: Outcome[] = [];
        for (let round = 0; round < ROUNDS; round++) outcomes.push(await settle(server.create({ userId: user })));
        return outcomes;
      };
      const outcomes = (await Promise.all(Array.from({ length: 2 * WORKERS }, (_, index) => signIns(servers[index % 2]!)))).flat();
      expect(outcomes.flatMap((outcome) => (outcome.code === undefined ? [] : [outcome.code]))).toEqual([]);
      expect(failures).toEqual([]);
      const created = outcomes.map((outcome) => outcome.created!);
      const ids = sorted(created.map(({ session }) => session.id));
      expect(await admitted(servers[1], created)).toEqual(ids);
      expect(sorted((await servers[0].list(user)).map((view) => view.id))).toEqual(ids);
    }, slowTimeout);

    it('a session signed out on the other server between validate\'s read and its touch is refused, not let in', async () => {
      const other = createSessionManager({ store: await sibling() });
      // Two minutes on, every read is due a touch.
      const server = interrupted({ clock: () => Date.now() + 120_000 });
      const user = freshUser();
      const kept = await other.create({ userId: user });
      const ended = await other.create({ userId: user });
      expect((await server.validate(kept.token)).ok).toBe(true);
      server.before('touch', () => other.revoke(ended.session.id));
      expect(await server.validate(ended.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await server.validate(kept.token)).ok).toBe(true);
    });

    it("a re-authentication on the other server between a rotation's read and its write is kept, not written over", async () => {
      let ahead = 0;
      const options = { clock: () => Date.now() + ahead, kinds: { remember: { rotateAfter: 60_000, rotationGrace: 30_000 } } };
      // Keeping no activity: no entry's batch follows the re-authentication's own write.
      const other = createSessionManager({ ...options, store: { ...apart(await sibling()), listActivity: undefined } });
      const server = interrupted(options);
      const { token, session } = await other.create({ userId: freshUser(), kind: 'remember' });
      ahead = 120_000;
      let fresh: number | undefined;
      server.before('apply', async () => void (fresh = (await other.reauthenticated(session.id))?.authenticatedAt));
      const rotated = await server.validate(token);
      expect(fresh).toBeGreaterThan(session.authenticatedAt);
      const after = await other.validate(rotated.ok && rotated.rotatedToken !== undefined ? rotated.rotatedToken : '');
      expect(after.ok && after.session.authenticatedAt).toBe(fresh);
    });

    it('a sign-in to the tenant between revokeTenant\'s read and its write, on a server whose clock runs ahead, ends too', async () => {
      const ahead = createSessionManager({ store: await sibling(), clock: () => Date.now() + 120_000 });
      const server = interrupted();
      const tenantId = freshUser('tenant');
      const signedIn = [await server.create({ userId: freshUser(), tenantId })];
      server.before('apply', async () => void signedIn.push(await ahead.create({ userId: freshUser(), tenantId })));
      await server.revokeTenant(tenantId);
      expect(signedIn).toHaveLength(2);
      for (const manager of [server, ahead]) {
        for (const { token } of signedIn) expect(await manager.validate(token)).toEqual({ ok: false, reason: 'revoked' });
      }
      expect((await server.validate((await server.create({ userId: freshUser(), tenantId })).token)).ok).toBe(true);
    });

    it("a tenant admin's sign-out of a user ends a password change's new session stored between its read and its write", async () => {
      const other = createSessionManager({ store: await sibling() });
      const server = interrupted();
      const [user, tenantId] = [freshUser(), freshUser('tenant')];
      const laptop = await other.create({ userId: user, tenantId, userAgent: CHROME_MAC });
      let changed: string | undefined;
      server.before('apply', async () => void (changed = (await other.passwordChanged(user, { currentSessionId: laptop.session.id })).token));
      expect((await server.revokeAll(user, { tenantId })).revokedIds).toHaveLength(1);
      expect(await other.validate(changed!)).toEqual({ ok: false, reason: 'revoked' });
    });

    withLinks('"This wasn\'t me" ends the new session of a password change on that device stored between its read and its write', async () => {
      const [other, server, user] = [createSessionManager({ store: await sibling() }), interrupted(), freshUser()];
      const link = (await other.issueRevocationLink((await other.create({ userId: user, userAgent: CHROME_MAC })).session.id))!;
      const again = await other.create({ userId: user, userAgent: CHROME_MAC });
      let changed: string | undefined;
      server.before('readUser', async () => server.before('apply', async () => void (changed = (await other.passwordChanged(user, { currentSessionId: again.session.id })).token)));
      expect((await server.redeemRevocationLink(link))?.revokedIds).toHaveLength(1);
      expect(await other.validate(changed!)).toEqual({ ok: false, reason: 'revoked' });
    });

    withLinks('one "This wasn\'t me" link redeemed four times at once on two servers: exactly one redeem acts', async () => {
      const [one, two] = await twoServers();
      const user = freshUser();
      const laptop = await one.create({ userId: user, userAgent: CHROME_MAC });
      const phone = await two.create({ userId: user, userAgent: SAFARI_IPHONE });
      const link = (await one.issueRevocationLink(laptop.session.id))!;
      const acts: string[] = [];
      for (const server of [one, two]) {
        server.on('session.revoked', (event) => void acts.push(`revoked ${event.reason} ${(event.sessionIds ?? []).join()}`));
        server.on('user.session_invalidated', (event) => void acts.push(`invalidated ${event.reason}`));
      }
      // Half of them would also sign out everywhere: a redeem that loses must do neither.
      const answers = await Promise.all([
        one.redeemRevocationLink(link),
        two.redeemRevocationLink(link, { everywhere: true }),
        one.redeemRevocationLink(link, { everywhere: true }),
        two.redeemRevocationLink(link),
      ]);
      const winners = answers.filter((answer) => answer !== null);
      expect(winners).toHaveLength(1);
      const everywhere = winners[0]!.everywhere;
      expect([winners[0]!.sessionId, winners[0]!.revokedIds]).toEqual([laptop.session.id, [laptop.session.id]]);
      expect(acts).toEqual([`revoked not_me ${laptop.session.id}`, ...(everywhere ? ['invalidated not_me'] : [])]);
      for (const server of [one, two]) {
        expect(await server.validate(laptop.token)).toEqual({ ok: false, reason: 'revoked' });
        expect((await server.validate(phone.token)).ok).toBe(!everywhere);
        expect(await server.redeemRevocationLink(link)).toBeNull();
      }
    }, slowTimeout);
  });
}
