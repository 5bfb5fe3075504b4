import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionStore } from '../../src/index.js';
import { TestClock, HOUR } from '../support/clock.js';

// How the manager reads a stored row and what it judges it against: its user's and tenant's
// epochs as read with it, and for a support session its admin's session, read once per list.

/** A memory store that counts its reads of single sessions. */
function countingStore(): { store: SessionStore; reads: string[] } {
  const inner = memoryStore();
  const reads: string[] = [];
  const store: SessionStore = {
    ...inner,
    get: (sessionId) => {
      reads.push(sessionId);
      return inner.get(sessionId);
    },
  };
  return { store, reads };
}

describe('a support session is judged with its admin', () => {
  it('is live while the admin session is, and ends when the admin signs that session out', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    expect((await sessions.validate(support.token)).ok).toBe(true);
    await sessions.revoke(admin.session.id);
    expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('ends when its admin signs out everywhere, of any kind', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    await sessions.revokeAll('root', { kinds: ['api'] });
    expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("is refused when the admin session it names belongs to another user than its impersonator", async () => {
    const inner = memoryStore();
    const sessions = createSessionManager({ store: inner });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    // The row names `root` as impersonator; the store now says `eve` did it, from root's session.
    const mismatched: SessionStore = {
      ...inner,
      get: async (sessionId) => {
        const found = await inner.get(sessionId);
        return found === null || found.session.impersonatorId === undefined ? found : { ...found, session: { ...found.session, impersonatorId: 'eve' } };
      },
    };
    const reading = createSessionManager({ store: mismatched });
    expect(await reading.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await reading.validate(admin.token)).ok).toBe(true);
  });

  it("reads the admin's session once for a list holding several of its support sessions", async () => {
    const { store, reads } = countingStore();
    const sessions = createSessionManager({ store });
    const admin = await sessions.create({ userId: 'root' });
    await sessions.impersonate(admin.session, 'ada');
    await sessions.impersonate(admin.session, 'ada');
    reads.length = 0;
    expect(await sessions.list('ada')).toHaveLength(2);
    expect(reads).toEqual([admin.session.id]);
  });
});

describe("a user's list is judged row by row against each row's own tenant", () => {
  it("hides the rows of a revoked tenant only; a row without a tenant is never judged by a tenant's epoch, even one named \"undefined\"", async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read });
    const acme = await sessions.create({ userId: 'ada', tenantId: 'acme' });
    const odd = await sessions.create({ userId: 'ada', tenantId: 'undefined' });
    const none = await sessions.create({ userId: 'ada' });
    clock.advance(1_000);
    await sessions.revokeTenant('undefined');
    clock.advance(1_000);
    const listed = (await sessions.list('ada')).map((view) => view.id).sort();
    expect(listed).toEqual([acme.session.id, none.session.id].sort());
    expect((await sessions.validate(odd.token)).ok).toBe(false);
    expect((await sessions.validate(none.token)).ok).toBe(true);
  });
});

describe('a session named by id is taken only when it is live and the user\'s own', () => {
  it("keeps this device after a password change only when the current session is the user's own", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const eve = await sessions.create({ userId: 'eve' });
    await sessions.create({ userId: 'ada' });
    expect((await sessions.passwordChanged('ada', { currentSessionId: eve.session.id })).token).toBeUndefined();
    expect((await sessions.validate(eve.token)).ok).toBe(true);
    const ada = await sessions.create({ userId: 'ada' });
    expect((await sessions.passwordChanged('ada', { currentSessionId: ada.session.id })).token).toBeDefined();
  });

  it('reads no session row when no current session is named', async () => {
    const { store, reads } = countingStore();
    const sessions = createSessionManager({ store });
    await sessions.create({ userId: 'ada' });
    reads.length = 0;
    expect((await sessions.passwordChanged('ada')).token).toBeUndefined();
    expect(reads).toEqual([]);
  });
});

describe('reading one session', () => {
  it('names get() when the store answers a malformed epoch for the row', async () => {
    const inner = memoryStore();
    const malformed: SessionStore = {
      ...inner,
      get: async (sessionId) => {
        const found = await inner.get(sessionId);
        return found === null ? null : { ...found, epochs: { browser: 'soon' as unknown as number } };
      },
    };
    const created = await createSessionManager({ store: inner }).create({ userId: 'ada' });
    const error = await createSessionManager({ store: malformed }).validate(created.token).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'STORE_ERROR' });
    expect((error as Error).message).toMatch(/answered get\(\) with an epoch of kind "browser"/);
  });

  it('names get() when the store does not answer in time', async () => {
    const inner = memoryStore();
    const created = await createSessionManager({ store: inner }).create({ userId: 'ada' });
    const silent: SessionStore = { ...inner, get: () => new Promise(() => {}) };
    const error = await createSessionManager({ store: silent, storeTimeout: 20 }).validate(created.token).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/did not answer get\(\) within 20 ms/);
  });

  it('judges a row of a kind this manager does not configure without an idle timeout', async () => {
    const inner = memoryStore();
    const clock = new TestClock();
    const writer = createSessionManager({ store: inner, clock: clock.read, kinds: { kiosk: { idleTimeout: HOUR } } });
    const created = await writer.create({ userId: 'ada', kind: 'kiosk' });
    clock.advance(2 * HOUR);
    expect(await writer.validate(created.token)).toEqual({ ok: false, reason: 'idle' });
    const reader = createSessionManager({ store: inner, clock: clock.read });
    expect(await reader.validate(created.token)).toMatchObject({ ok: true });
  });
});
