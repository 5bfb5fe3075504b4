import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, type SessionManager, type SessionStore } from '../../src/index.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';
import { sharedStores } from '../support/shared-stores.js';

// maxSessions 1, sessions idle out after 10 minutes. Instance B serves a request of the first session, judged live a millisecond
// before it turned idle; its touch (which moves no version) lands while instance A signs in again. The first session is then live
// again: A must count it (refuse, or end it), never leave it out. Control: the same touch lands before A's reads.
type Race = 'control' | 'before-batch' | 'after-cap-read';
const RACES = [['refuse', 'control'], ['evict-oldest', 'control'], ['refuse', 'before-batch'], ['evict-oldest', 'before-batch']] as const;

async function race(open: () => Promise<SessionStore>, when: Race, user: string, options: object, signIn: (a: SessionManager) => Promise<unknown>, first: (a: SessionManager) => Promise<{ token: string }>) {
  const clock = new TestClock();
  let releaseTouch: (() => void) | undefined;
  let touchReached: (() => void) | undefined;
  const reached = new Promise<void>((resolve) => (touchReached = resolve));
  const storeB = intercepted(await open(), (method, call) => {
    if (method !== 'touch' || releaseTouch !== undefined) return call();
    return new Promise<void>((resolve) => {
      releaseTouch = resolve;
      touchReached!();
    }).then(call);
  });
  // 'before-batch': B's request finishes just before A's batch; 'after-cap-read': before A's second read of the user (the sign-in's
  // own, after the support-session cap's separate read).
  let readsOfUser = 0;
  let hold: (() => Promise<void>) | undefined;
  const storeA = intercepted(await open(), (method, call, args) => {
    const due = when === 'before-batch' ? method === 'apply' : method === 'readUser' && args[0] === user && ++readsOfUser === 2;
    if (!due || hold === undefined) return call();
    const run = hold;
    hold = undefined;
    return run().then(call);
  });
  const a = createSessionManager({ store: storeA, clock: clock.read, epochCacheTtl: 0, ...options });
  const b = createSessionManager({ store: storeB, clock: clock.read, epochCacheTtl: 0, ...options });
  const { token } = await first(a);
  clock.advance(10 * MINUTE - 1);
  const request = b.validate(token);
  await reached;
  clock.advance(1);
  const release = async () => {
    releaseTouch!();
    expect((await request).ok).toBe(true);
  };
  if (when === 'control') await release();
  else hold = release;
  const second = await signIn(a).then(
    () => 'signed in',
    (error: unknown) => (isSessionError(error) ? error.code : String(error)),
  );
  return { a, second, firstValid: (await a.validate(token)).ok };
}

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: the session cap vs a touch landing during a sign-in`, () => {
    it.each(RACES)('%s (%s): never more than maxSessions live sessions', async (onMaxSessions, when) => {
      const user = `cap-${Math.random().toString(36).slice(2)}`;
      const options = { maxSessions: { browser: 1 }, onMaxSessions, idleTimeout: 10 * MINUTE };
      const signIn = (a: SessionManager) => a.create({ userId: user, userAgent: UA.safariIphone });
      const { a, second, firstValid } = await race(open, when, user, options, signIn, (a) => a.create({ userId: user, userAgent: UA.chromeMac }));
      expect({ live: (await a.list(user)).length, bothValid: firstValid && second === 'signed in' }).toEqual({ live: 1, bothValid: false });
    });

    it.each([...RACES, ['refuse', 'after-cap-read'], ['evict-oldest', 'after-cap-read']] as const)('support sessions, %s (%s): never more than maxSessions live', async (onMaxSessions, when) => {
      const user = `cap-${Math.random().toString(36).slice(2)}`;
      const options = { maxSessions: { impersonation: 1 }, onMaxSessions, kinds: { impersonation: { idleTimeout: 10 * MINUTE } } };
      let admin: Awaited<ReturnType<SessionManager['create']>> | undefined;
      const first = async (a: SessionManager) => {
        admin = await a.create({ userId: `admin-${user}`, userAgent: UA.chromeMac });
        return a.impersonate(admin.session, user, { userAgent: UA.firefoxWindows });
      };
      const signIn = (a: SessionManager) => a.impersonate(admin!.session, user, { userAgent: UA.firefoxWindows });
      const { a, second, firstValid } = await race(open, when, user, options, signIn, first);
      expect({ live: (await a.list(user, { kinds: ['impersonation'] })).length, bothValid: firstValid && second === 'signed in' }).toEqual({ live: 1, bothValid: false });
    });
  });
}

for (const store of await sharedStores('zzcapidle')) cases(store.name, store.up, store.open);
