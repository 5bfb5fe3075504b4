import { describe, expect, it } from 'vitest';
import { createSessionManager, SessionError, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { UA } from '../support/clock.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { sharedStores } from '../support/shared-stores.js';

// A native app's User-Agent: no device key, so its old session ends only because the sign-in presents its token.
const APP = 'MyApp/3.2 CFNetwork/1494.0.7 Darwin/23.4.0';

// A store whose connection drops on every batch that ends a session without signing one in.
function failingLoneRevocations(raw: SessionStore): SessionStore {
  return intercepted(raw, (method, call, args) => {
    const writes = method === 'apply' ? (args[0] as Batch).writes : [];
    if (writes.some((write) => write.type === 'revoke') && !writes.some((write) => write.type === 'insert')) return Promise.reject(new SessionError('STORE_UNAVAILABLE', 'read ECONNRESET'));
    return call();
  });
}

// A store that applies the next sign-in's batch and then loses its answer.
function losingTheSignInAnswer(raw: SessionStore, armed: { on: boolean }): SessionStore {
  return intercepted(raw, (method, call, args) => {
    if (method !== 'apply' || !armed.on || !(args[0] as Batch).writes.some((write) => write.type === 'insert')) return call();
    return (call() as Promise<boolean>).then((applied) => {
      if (!applied) return applied;
      armed.on = false;
      throw new SessionError('STORE_UNAVAILABLE', 'read ECONNRESET');
    });
  });
}

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: the token a sign-in presents ends with the sign-in itself`, () => {
    it('a store fault after the sign-in cannot leave the old token working, nor the user over the cap', async () => {
      const errors: unknown[] = [];
      const settings = { maxSessions: { browser: 1 }, onMaxSessions: 'refuse' as const };
      const a = createSessionManager({ store: failingLoneRevocations(await open()), ...settings, onError: (error) => void errors.push(error) });
      const b = createSessionManager({ store: await open(), ...settings });
      const user = `presented-${Math.random().toString(36).slice(2)}`;
      const old = await b.create({ userId: user, userAgent: APP });
      const revoked: unknown[] = [];
      a.on('session.revoked', (event) => void revoked.push({ reason: event.reason, ids: event.sessionIds }));
      const again = await a.create({ userId: user, userAgent: APP, previousToken: old.token });
      expect({ old: (await b.validate(old.token)).ok, again: (await b.validate(again.token)).ok, live: (await b.list(user)).length }).toEqual({ old: false, again: true, live: 1 });
      expect(revoked).toEqual([{ reason: 'sign_out', ids: [old.session.id] }]);
      expect(errors).toEqual([]);
      const entries = (await b.activity(user)).map((entry) => [entry.type, entry.reason, entry.sessionId]);
      expect(entries).toContainEqual(['session.revoked', 'sign_out', old.session.id]);
    });

    it('a support session already ended with its admin session is neither told nor logged as signed out again', async () => {
      const sessions = createSessionManager({ store: await open() });
      const user = `presented-${Math.random().toString(36).slice(2)}`;
      const admin = await sessions.create({ userId: `admin-${user}`, userAgent: APP });
      const support = await sessions.impersonate(admin.session, user);
      await sessions.revoke(admin.session.id);
      expect((await sessions.validate(support.token)).ok).toBe(false);
      const revoked: unknown[] = [];
      sessions.on('session.revoked', (event) => void revoked.push(event.sessionIds));
      await sessions.create({ userId: user, userAgent: APP, previousToken: support.token });
      const logged = (await sessions.activity(user)).filter((entry) => entry.type === 'session.revoked' && entry.sessionId === support.session.id);
      expect({ revoked, logged: logged.length }).toEqual({ revoked: [], logged: 0 });
    });

    it('a sign-in whose batch landed with its answer lost answers its token and tells of the presented session it ended, to events and watchers', async () => {
      const armed = { on: false };
      const sessions = createSessionManager({ store: losingTheSignInAnswer(await open(), armed), onError: () => undefined });
      const user = `presented-${Math.random().toString(36).slice(2)}`;
      const old = await sessions.create({ userId: user, userAgent: APP });
      const revoked: string[] = [];
      const notices: unknown[] = [];
      sessions.on('session.revoked', (event) => void revoked.push(...(event.sessionIds ?? [])));
      const stop = sessions.watchRevocations((notice) => void notices.push(notice?.userId));
      armed.on = true;
      const fresh = await sessions.create({ userId: user, userAgent: APP, previousToken: old.token });
      stop();
      const [oldOk, freshOk] = [(await sessions.validate(old.token)).ok, (await sessions.validate(fresh.token)).ok];
      expect({ oldOk, freshOk, told: revoked.includes(old.session.id), watched: notices.includes(user) }).toEqual({ oldOk: false, freshOk: true, told: true, watched: true });
    });

    it('the same browser signing in again with its cookie replaces its old session, as before', async () => {
      const a = createSessionManager({ store: await open() });
      const user = `presented-${Math.random().toString(36).slice(2)}`;
      const old = await a.create({ userId: user, userAgent: UA.chromeMac });
      const revoked: unknown[] = [];
      a.on('session.revoked', (event) => void revoked.push({ reason: event.reason, ids: event.sessionIds }));
      await a.create({ userId: user, userAgent: UA.chromeMac, previousToken: old.token });
      expect(revoked).toEqual([{ reason: 'replaced', ids: [old.session.id] }]);
    });
  });
}

for (const store of await sharedStores('ptb')) cases(store.name, store.up, store.open);
