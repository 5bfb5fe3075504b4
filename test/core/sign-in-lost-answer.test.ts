import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { sharedStores } from '../support/shared-stores.js';

// A sign-in whose batch reached the store but whose answer never came back (a connection reset
// after the commit, a timeout, replicas that did not acknowledge): the app was told
// STORE_UNAVAILABLE, and the user tries again.
// `unread`: applied, and the store cannot be read at once either.
type Lost = 'applied' | 'unread' | 'held';
function losingAnswers(raw: SessionStore, lose: () => Lost | undefined, held: Batch[]): SessionStore {
  let unreadable = false;
  return intercepted(raw, (method, call, args) => {
    if (method === 'readUser' && unreadable) return ((unreadable = false), Promise.reject(new SessionError('STORE_UNAVAILABLE', 'Still down.')));
    const batch = args[0] as Batch;
    const how = method === 'apply' && batch.writes.some((write) => write.type === 'insert') ? lose() : undefined;
    if (how === undefined) return call();
    if (how === 'held') held.push(batch);
    return (async () => {
      if (how !== 'held') await call();
      unreadable = how === 'unread';
      throw new SessionError('STORE_UNAVAILABLE', 'The answer was lost.');
    })();
  });
}

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: a sign-in at the cap whose answer was lost, asked again`, () => {
    const servers = async (options: { max: number; onMaxSessions?: 'refuse' }) => {
      let lose: Lost | undefined;
      const held: Batch[] = [];
      const raw = await open();
      const settings = { maxSessions: { api: options.max }, onMaxSessions: options.onMaxSessions, epochCacheTtl: 0 };
      const a = createSessionManager({ store: losingAnswers(raw, () => { const how = lose; lose = undefined; return how; }, held), ...settings });
      const b = createSessionManager({ store: await open(), ...settings });
      return { a, b, raw, held, loseNext: (how: Lost) => void (lose = how) };
    };
    const user = () => `lost-${Math.random().toString(36).slice(2)}`;

    it('evict-oldest: a batch that landed is read back, and the sign-in answers its token: the user holds it, and what it evicted is told', async () => {
      const { a, b, loseNext } = await servers({ max: 2 });
      const id = user();
      const first = await b.create({ userId: id, kind: 'api' });
      const second = await b.create({ userId: id, kind: 'api' });
      const told: string[] = [];
      a.on('session.revoked', (event) => void told.push(`${event.reason} ${event.sessionIds?.join()}`));
      loseNext('applied');
      const third = await a.create({ userId: id, kind: 'api' });
      expect((await b.validate(third.token, { bearer: true })).ok).toBe(true);
      expect((await b.list(id)).map((view) => view.id).sort()).toEqual([second.session.id, third.session.id].sort());
      expect(await b.validate(first.token, { bearer: true })).toEqual({ ok: false, reason: 'revoked' });
      expect(told).toEqual([`session_limit ${first.session.id}`]);
    });

    it('refuse: the user signed in by the batch that landed holds that session, and a second sign-in is refused at the cap', async () => {
      const { a, b, loseNext } = await servers({ max: 1, onMaxSessions: 'refuse' });
      const id = user();
      loseNext('applied');
      const { token } = await a.create({ userId: id, kind: 'api' });
      expect((await b.validate(token, { bearer: true })).ok).toBe(true);
      await expect(b.create({ userId: id, kind: 'api' })).rejects.toMatchObject({ code: 'SESSION_LIMIT' });
    });

    it('a signed-in device signing in again: its old session ended with the batch, and it is answered the new one, never left with neither', async () => {
      const { a, b, loseNext } = await servers({ max: 3 });
      const id = user();
      const old = await b.create({ userId: id });
      loseNext('applied');
      const fresh = await a.create({ userId: id, previousToken: old.token });
      expect([(await b.validate(fresh.token)).ok, await b.validate(old.token)]).toEqual([true, { ok: false, reason: 'revoked' }]);
    });

    it('a batch the client sent again after its answer was lost (ioredis resends after a reconnect): the sign-in answers its token, not INVALID_INPUT', async () => {
      const raw = await open();
      let resend = false;
      // Applied; the answer lost; the client sends it again, which loses on the version it moved itself.
      const store = intercepted(raw, (method, call) => (method === 'apply' && resend ? ((resend = false), (call() as Promise<boolean>).then(() => call())) : call()));
      const a = createSessionManager({ store, epochCacheTtl: 0 });
      const b = createSessionManager({ store: await open(), epochCacheTtl: 0 });
      const id = user();
      const old = await b.create({ userId: id });
      const told: string[] = [];
      a.on('session.revoked', (event) => void told.push(`${event.reason} ${event.sessionIds?.join()}`));
      resend = true;
      const fresh = await a.create({ userId: id, previousToken: old.token });
      expect([(await b.validate(fresh.token)).ok, (await b.validate(old.token)).ok, told]).toEqual([true, false, [`sign_out ${old.session.id}`]]);
    });

    it('a batch that landed while the store cannot be read either: STORE_UNAVAILABLE, the failure reported, and the retry signs in', async () => {
      const { a, loseNext } = await servers({ max: 2 });
      const id = user();
      loseNext('unread');
      await expect(a.create({ userId: id, kind: 'api' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'The answer was lost.' });
      expect((await a.validate((await a.create({ userId: id, kind: 'api' })).token, { bearer: true })).ok).toBe(true);
    });

    it('a batch still on its way when the sign-in gave up can no longer land', async () => {
      const { a, b, raw, held, loseNext } = await servers({ max: 2 });
      const id = user();
      loseNext('held');
      await expect(a.create({ userId: id, kind: 'api' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(await raw.apply(held[0]!)).toBe(false);
      expect(await b.list(id)).toEqual([]);
    });
  });
}

for (const store of await sharedStores('sla')) cases(store.name, store.up, store.open);

describe('memory: a sign-in whose deadline passed before its batch was sent', () => {
  it('sends no batch at all, neither its own nor one to settle it', async () => {
    const applied: Batch[] = [];
    let slow = false;
    const store = intercepted(memoryStore(), (method, call, args) => {
      if (method === 'apply') applied.push(args[0] as Batch);
      if (method === 'readUser' && slow) {
        slow = false;
        // The read answers late (a busy store): past the 30 ms deadline, before the deadline's sweep runs.
        const until = performance.now() + 60;
        while (performance.now() < until);
      }
      return call();
    });
    const sessions = createSessionManager({ store, storeTimeout: 30 });
    slow = true;
    await expect(sessions.create({ userId: 'late', kind: 'api' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('nothing was written') });
    expect(applied).toEqual([]);
  });
});

describe('memory: a sign-in batch still on its way when its deadline passed', () => {
  it('lands while the sign-in is settled: the sign-in answers its token, and the device is never left with neither session', async () => {
    let held: (() => void) | undefined;
    let hold = false;
    const store = intercepted(memoryStore(), (method, call, args) => {
      if (method === 'apply' && hold && (args[0] as Batch).writes.some((write) => write.type === 'insert')) {
        hold = false;
        return new Promise((resolve, reject) => void (held = () => void (call() as Promise<unknown>).then(resolve, reject)));
      }
      // The settling read is answered first, then the batch held so far reaches the store.
      if (method === 'readUser' && held !== undefined) return (call() as Promise<unknown>).finally(() => (held?.(), (held = undefined)));
      return call();
    });
    const sessions = createSessionManager({ store, storeTimeout: 40 });
    const old = await sessions.create({ userId: 'slow' });
    hold = true;
    const fresh = await sessions.create({ userId: 'slow', previousToken: old.token });
    expect([(await sessions.validate(fresh.token)).ok, (await sessions.validate(old.token)).ok]).toEqual([true, false]);
  });
});
