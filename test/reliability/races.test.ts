import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { record } from './support/figures.js';
import { availableStores, kitsOfThisFile } from './support/kits.js';
import type { StoreKit } from './support/stores.js';

const stores = await availableStores();
const kits = kitsOfThisFile();

const SKEW = 10_000;
const now = (): number => performance.now();
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const user = (label: string): string => `race-${label}-${randomBytes(4).toString('hex')}`;

/**
 * Two instances over one store, as two app servers: A's clock runs SKEW ahead of real time,
 * B's SKEW behind. The store's promises must hold whoever's clock is wrong.
 */
async function twoInstances(kit: StoreKit, options: { touchInterval?: number } = {}): Promise<[SessionManager, SessionManager]> {
  const make = async (offset: number): Promise<SessionManager> =>
    createSessionManager({ store: await kit.store(), clock: () => Date.now() + offset, onError: () => undefined, ...options });
  return [await make(SKEW), await make(-SKEW)];
}

interface Timed<T> {
  readonly value: T;
  readonly start: number;
  readonly end: number;
}

// A sign-in under way when "sign out everywhere" landed may be refused, nothing stored.
const overtaken = (error: unknown): null => {
  if (isSessionError(error) && error.code === 'UNAUTHENTICATED') return null;
  throw error;
};

async function timed<T>(operation: () => Promise<T>): Promise<Timed<T>> {
  const start = now();
  const value = await operation();
  return { value, start, end: now() };
}

for (const [name, up] of stores) {
  describe.skipIf(!up)(`races on ${name}`, () => {
    it('"sign out everywhere" racing sign-ins on two instances with skewed clocks: a session is live exactly when it was created after the epoch returned', async () => {
      const [a, b] = await twoInstances(await kits.open(name));
      let operations = 0;
      const broken: string[] = [];
      const outcomes = { live: 0, refused: 0, overtaken: 0 };
      for (let round = 0; round < 5; round++) {
        const userId = user('everywhere');
        // Anchors on both sides of the race, without a User-Agent so nothing replaces them: one
        // sign-in that returns before "sign out everywhere" starts, one that starts after it
        // returns. However the timers of the racing ones fall, each outcome is exercised.
        const before = await timed(() => a.create({ userId }));
        const creates = Array.from({ length: 24 }, (_, index) =>
          pause(index % 12).then(() => timed(() => (index % 2 === 0 ? a : b).create({ userId, userAgent: index % 3 === 0 ? UA.chromeMac : undefined }).catch(overtaken))),
        );
        // Through B, whose clock is behind every session A creates: the high-water mark must cover them.
        const everywhere = pause(5).then(() => timed(() => b.revokeAll(userId)));
        const after = everywhere.then(() => timed(() => a.create({ userId })));
        const [signOut, ...signIns] = await Promise.all([everywhere, after, ...creates]);
        signIns.push(before);
        const epoch = signOut.value.epochs['browser']!;
        for (const signIn of signIns) {
          if (signIn.value === null) {
            outcomes.overtaken += 1;
            if (signIn.end < signOut.start || signIn.start > signOut.end) broken.push(`round ${round}: a sign-in refused as overtaken, though it did not overlap "sign out everywhere"`);
            continue;
          }
          const { token, session } = signIn.value;
          for (const instance of [a, b]) {
            const result = await instance.validate(token);
            operations += 1;
            const live = session.createdAt > epoch;
            outcomes[live ? 'live' : 'refused'] += 1;
            // Replaced by a later sign-in of the same browser: refused, and that is not the race's doing.
            const replaced = !result.ok && result.reason === 'revoked' && (await instance.store.get(session.id))?.session.revokedReason === 'replaced';
            if (result.ok !== live && !(live && replaced)) broken.push(`round ${round}: createdAt ${session.createdAt} vs epoch ${epoch}: ${result.ok ? 'accepted' : result.reason}`);
            if (signIn.end < signOut.start && result.ok) broken.push(`round ${round}: a sign-in that returned before "sign out everywhere" started is still live`);
            if (signIn.start > signOut.end && !result.ok && !replaced) broken.push(`round ${round}: a sign-in that started after "sign out everywhere" returned is refused (${result.reason})`);
          }
        }
        const listed = await a.list(userId);
        if (listed.some((view) => view.createdAt <= epoch)) broken.push(`round ${round}: list shows a session at or before the epoch`);
        operations += 28;
      }
      record(`races ${name}: revokeAll vs sign-ins`, { requests: operations, revocations: 5, violations: broken.length });
      expect(broken).toEqual([]);
      // Both outcomes were checked (the anchors alone give one of each per round).
      expect(outcomes.live).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    });

    it('touch racing revoke: the session always ends revoked, never un-revoked by a late touch; a validation that started after the revoke returned is refused', async () => {
      // touchInterval 0: every validation with a later clock writes lastUsedAt.
      const [a, b] = await twoInstances(await kits.open(name), { touchInterval: 0 });
      const userId = user('touch');
      const created = await Promise.all(Array.from({ length: 10 }, (_, index) => a.create({ userId, userAgent: index === 0 ? UA.safariIphone : undefined })));
      const broken: string[] = [];
      let operations = 0;
      const outcomes = { accepted: 0, refused: 0 };
      await Promise.all(
        created.map(async ({ token, session }, index) => {
          const revoker = index % 2 === 0 ? a : b;
          const other = revoker === a ? b : a;
          // Anchors: a validation that returns before the revoke starts (its touch may still be
          // in flight) and one that starts on the other instance once the revoke has returned,
          // so both outcomes are checked however the timers of the racing ones fall.
          const first = await timed(() => other.validate(token));
          const validations = Array.from({ length: 6 }, (_, k) => pause(k).then(() => timed(() => (k % 2 === 0 ? a : b).validate(token))));
          const revoke = pause(2).then(() => timed(() => revoker.revoke(session.id)));
          const last = revoke.then(() => timed(() => other.validate(token)));
          const [revoked, ...checks] = await Promise.all([revoke, last, ...validations]);
          checks.push(first);
          operations += 9;
          if (!first.value.ok) broken.push(`${session.id}: refused before the revoke started (${first.value.reason})`);
          if (revoked.value !== true) broken.push(`${session.id}: revoke reported ${revoked.value}`);
          for (const check of checks) {
            outcomes[check.value.ok ? 'accepted' : 'refused'] += 1;
            if (check.start > revoked.end && check.value.ok) broken.push(`${session.id}: a validation started after the revoke returned accepted the session`);
          }
          for (const instance of [a, b]) {
            const after = await instance.validate(token);
            const row = (await instance.store.get(session.id))?.session;
            operations += 2;
            if (after.ok || after.reason !== 'revoked') broken.push(`${session.id}: after the race it reads ${after.ok ? 'live' : after.reason}`);
            if (row?.revokedAt === undefined || row.revokedReason !== 'revoked') broken.push(`${session.id}: the row lost its revocation (${JSON.stringify(row?.revokedReason)})`);
          }
        }),
      );
      const listed = await b.list(userId);
      operations += 1;
      if (listed.length !== 0) broken.push(`list still shows ${listed.length} revoked sessions`);
      record(`races ${name}: touch vs revoke`, { requests: operations, revocations: created.length, violations: broken.length });
      expect(broken).toEqual([]);
      expect(outcomes.accepted).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    });

    it('two sign-ins from the same browser at once: exactly one session stays live, the other is replaced; the cookie both presented is revoked', async () => {
      const [a, b] = await twoInstances(await kits.open(name));
      const broken: string[] = [];
      let operations = 0;
      for (let round = 0; round < 10; round++) {
        const userId = user('same-browser');
        // Half the rounds the browser already holds a session and presents it to both sign-ins.
        const previous = round % 2 === 1 ? await a.create({ userId, userAgent: UA.firefoxWindows }) : undefined;
        const [first, second] = await Promise.all(
          [a, b].map((instance) => instance.create({ userId, userAgent: UA.firefoxWindows, ...(previous === undefined ? {} : { previousToken: previous.token }) })),
        );
        const results = await Promise.all([first!, second!].map(({ token }) => b.validate(token)));
        operations += 4;
        const live = results.filter((result) => result.ok);
        if (live.length !== 1) broken.push(`round ${round}: ${live.length} of the two sessions are live`);
        const loser = [first!, second!][results.findIndex((result) => !result.ok)];
        if (loser !== undefined) {
          const row = (await a.store.get(loser.session.id))?.session;
          operations += 1;
          if (row?.revokedReason !== 'replaced') broken.push(`round ${round}: the refused one was revoked as ${JSON.stringify(row?.revokedReason)}, not replaced`);
        }
        if (previous !== undefined && (await a.validate(previous.token)).ok) broken.push(`round ${round}: the presented cookie survived both sign-ins`);
        const views = await a.list(userId);
        operations += 2;
        if (views.length !== 1 || views[0]!.browser !== 'Firefox') broken.push(`round ${round}: the list shows ${views.length} sessions`);
      }
      record(`races ${name}: same browser twice`, { requests: operations, revocations: 10, violations: broken.length });
      expect(broken).toEqual([]);
    });

    it('"log out other devices" racing sign-ins from other browsers: the kept session stays live, exactly the ids it reports are revoked', async () => {
      const [a, b] = await twoInstances(await kits.open(name));
      const broken: string[] = [];
      let operations = 0;
      const outcomes = { live: 0, revoked: 0 };
      for (let round = 0; round < 5; round++) {
        const userId = user('others');
        const kept = await a.create({ userId, userAgent: UA.chromeMac });
        // No User-Agent: no device, so none of these replaces another.
        // Anchors: one sign-in that returns before "log out other devices" starts, one that
        // starts after it returns, so both outcomes are checked however the timers fall.
        const before = await timed(() => b.create({ userId }));
        const creates = Array.from({ length: 16 }, (_, index) => pause(index % 8).then(() => timed(() => (index % 2 === 0 ? a : b).create({ userId }))));
        const others = pause(3).then(() => timed(() => b.revokeOthers(userId, kept.session.id)));
        const after = others.then(() => timed(() => a.create({ userId })));
        const [outcome, ...signIns] = await Promise.all([others, after, ...creates]);
        signIns.push(before);
        const revoked = new Set(outcome.value.revokedIds);
        if (!(await a.validate(kept.token)).ok) broken.push(`round ${round}: the kept session was signed out`);
        for (const signIn of signIns) {
          const result = await a.validate(signIn.value.token);
          operations += 1;
          outcomes[result.ok ? 'live' : 'revoked'] += 1;
          if (result.ok === revoked.has(signIn.value.session.id)) broken.push(`round ${round}: ${signIn.value.session.id} is ${result.ok ? 'live' : 'refused'} but ${revoked.has(signIn.value.session.id) ? 'was' : 'was not'} reported revoked`);
          if (signIn.end < outcome.start && result.ok) broken.push(`round ${round}: a session signed in before "log out other devices" started is still live`);
          if (signIn.start > outcome.end && !result.ok) broken.push(`round ${round}: a session signed in after "log out other devices" returned is refused`);
        }
        operations += 20;
      }
      record(`races ${name}: revokeOthers vs sign-ins`, { requests: operations, revocations: 5, violations: broken.length });
      expect(broken).toEqual([]);
      expect(outcomes.live).toBeGreaterThan(0);
      expect(outcomes.revoked).toBeGreaterThan(0);
    });
  });
}
