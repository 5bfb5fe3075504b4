// A password change signs the other devices out and its own device in again in one batch; whatever fails, the other devices go.
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionEvent, type SessionStore } from '../../src/index.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'answered', (error: { code?: string }) => error.code);

describe('a password change whose device cannot be signed in again', () => {
  it('refused at the cap (maxSessions lowered, "refuse"): the other devices are signed out all the same, and the refusal is thrown', async () => {
    const store = memoryStore();
    const before = createSessionManager({ store });
    const laptop = await before.create({ userId: 'u', userAgent: CHROME });
    const apis = [];
    for (let index = 0; index < 3; index++) apis.push(await before.create({ userId: 'u', kind: 'api' }));
    // The operator lowers the API cap to 2: the user still holds 3.
    const sessions = createSessionManager({ store, maxSessions: { api: 2 }, onMaxSessions: 'refuse' });
    const outcome = await codeOf(sessions.passwordChanged('u', { currentSessionId: apis[0]!.session.id }));
    expect([outcome, (await sessions.validate(laptop.token)).ok, (await sessions.validate(apis[0]!.token)).ok]).toEqual(['SESSION_LIMIT', false, false]);
  });

  it('from a session of a kind this instance no longer declares: the other devices are signed out all the same', async () => {
    const store = memoryStore();
    const old = createSessionManager({ store, kinds: { mobile: {} } });
    const laptop = await old.create({ userId: 'u', userAgent: CHROME });
    const phone = await old.create({ userId: 'u', kind: 'mobile' });
    const sessions = createSessionManager({ store });
    const outcome = await codeOf(sessions.passwordChanged('u', { currentSessionId: phone.session.id }));
    expect([outcome, (await sessions.validate(laptop.token)).ok]).toEqual(['INVALID_INPUT', false]);
  });

  it('a store failure of the batch: the other devices are signed out by the sign-out everywhere that follows, and the failure is thrown', async () => {
    const inner = memoryStore();
    let fail = false;
    const store: SessionStore = {
      ...inner,
      async apply(batch) {
        if (fail && batch.writes.some((write) => write.type === 'insert')) {
          fail = false;
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        return inner.apply(batch);
      },
    };
    const sessions = createSessionManager({ store });
    const laptop = await sessions.create({ userId: 'u', userAgent: CHROME });
    const phone = await sessions.create({ userId: 'u', userAgent: FIREFOX });
    fail = true;
    expect(await codeOf(sessions.passwordChanged('u', { currentSessionId: laptop.session.id }))).toBe('STORE_UNAVAILABLE');
    expect([(await sessions.validate(phone.token)).ok, (await sessions.validate(laptop.token)).ok]).toEqual([false, false]);
  });
});

describe('what a password change tells', () => {
  it('the sign-out everywhere (its kinds, reason, actor and tenant) before the sign-in, which is no new device', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const laptop = await sessions.create({ userId: 'u', tenantId: 'acme', userAgent: CHROME, ip: '203.0.113.7' });
    const events: Array<Record<string, unknown>> = [];
    const record = (event: SessionEvent) => void events.push({ ...event });
    sessions.on('user.session_invalidated', record);
    sessions.on('session.created', record);
    expect((await sessions.passwordChanged('u', { currentSessionId: laptop.session.id, by: 'admin', tenantId: 'beta' })).token).toBeDefined();
    expect(events.map((event) => [event['type'], event['reason'], event['by'], event['tenantId'], event['kinds'], event['newDevice']])).toEqual([
      ['user.session_invalidated', 'password_changed', 'admin', 'beta', ['browser', 'remember', 'impersonation'], undefined],
      ['session.created', 'password_changed', undefined, 'acme', undefined, false],
    ]);
  });

  it("from an API token: that token's end, by whom, from where, as an event and in the activity, beside its new token", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const revoked: unknown[] = [];
    sessions.on('session.revoked', (event) => void revoked.push([event.sessionIds, event.reason, event.by, event.tenantId, event.ip, event.deviceLabel]));
    const api = await sessions.create({ userId: 'u', tenantId: 'acme', kind: 'api', userAgent: 'curl/8.0', ip: '203.0.113.9' });
    const changed = await sessions.passwordChanged('u', { currentSessionId: api.session.id, by: 'admin' });
    expect([(await sessions.validate(api.token)).ok, (await sessions.validate(changed.token!)).ok]).toEqual([false, true]);
    const told = [api.session.id, 'password_changed', 'admin', 'acme', '203.0.113.9', expect.any(String)];
    expect(revoked).toEqual([[[told[0]], ...told.slice(1)]]);
    const entries = (await sessions.activity('u')).filter((entry) => entry.type === 'session.revoked');
    expect(entries.map((entry) => [entry.sessionId, entry.reason, entry.by, entry.tenantId, entry.ip, entry.deviceLabel])).toEqual([told]);
  });
});
