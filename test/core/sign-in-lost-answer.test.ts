import { describe, expect, it } from 'vitest';
import { createSessionManager, SessionError, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { sharedStores } from '../support/shared-stores.js';

// A sign-in whose batch reached the store but whose answer never came back (a connection reset
// after the commit, a timeout, replicas that did not acknowledge): the app was told
// STORE_UNAVAILABLE, and the user tries again.
type Lost = 'applied' | 'held';
function losingAnswers(raw: SessionStore, lose: () => Lost | undefined, held: Batch[]): SessionStore {
  return intercepted(raw, (method, call, args) => {
    const batch = args[0] as Batch;
    const how = method === 'apply' && batch.writes.some((write) => write.type === 'insert') ? lose() : undefined;
    if (how === undefined) return call();
    if (how === 'held') held.push(batch);
    return (async () => {
      if (how === 'applied') await call();
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

    it('evict-oldest: the retry evicts nobody else, and no session nobody holds stays signed in', async () => {
      const { a, b, loseNext } = await servers({ max: 2 });
      const id = user();
      await b.create({ userId: id, kind: 'api' });
      const deploy = await b.create({ userId: id, kind: 'api' });
      loseNext('applied');
      await expect(a.create({ userId: id, kind: 'api' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const mine = await b.create({ userId: id, kind: 'api' });
      expect((await b.validate(deploy.token)).ok).toBe(true);
      expect((await b.list(id)).map((view) => view.id).sort()).toEqual([deploy.session.id, mine.session.id].sort());
    });

    it('refuse: the user, holding no session, signs in on the retry', async () => {
      const { a, b, loseNext } = await servers({ max: 1, onMaxSessions: 'refuse' });
      const id = user();
      loseNext('applied');
      await expect(a.create({ userId: id, kind: 'api' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect((await b.validate((await b.create({ userId: id, kind: 'api' })).token)).ok).toBe(true);
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
