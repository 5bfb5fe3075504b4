import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';
import { overriding } from '../../src/testing/store/corrupted.js';

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ok',
    (error: unknown) => (isSessionError(error) ? error.code : String(error)),
  );

/** A memory store whose next `readUser` answers only once the test lets it, as a database stalled for a moment. */
function stallingReads(): { store: SessionStore; stallNext: () => void; resume: () => void } {
  const inner = memoryStore();
  let stall = false;
  let resume = (): void => undefined;
  const store = overriding(inner, {
    readUser: async (userId, tenantId, sessionId) => {
      if (stall) {
        stall = false;
        await new Promise<void>((resolve) => (resume = resolve));
      }
      return inner.readUser(userId, tenantId, sessionId);
    },
  });
  return { store, stallNext: () => void (stall = true), resume: () => resume() };
}

describe('an operation whose caller was answered STORE_UNAVAILABLE', () => {
  it('sends no batch afterwards: a sign-in given up on never shows up as a session nobody holds', async () => {
    const { store, stallNext, resume } = stallingReads();
    const sessions = createSessionManager({ store, storeTimeout: 50 });
    // The same store object: its operations on the user queue behind the given-up one.
    const patient = createSessionManager({ store });
    stallNext();
    expect(await codeOf(sessions.create({ userId: 'ada' }))).toBe('STORE_UNAVAILABLE');
    resume();
    const { session } = await patient.create({ userId: 'ada' });
    expect((await patient.list('ada')).map((view) => view.id)).toEqual([session.id]);
  });

  it('never starts when it was still queued: it reads nothing', async () => {
    const inner = memoryStore();
    let reads = 0;
    let hang = true;
    const store = overriding(inner, {
      readUser: (userId, tenantId, sessionId) => ((reads += 1), inner.readUser(userId, tenantId, sessionId)),
      // The first batch never answers, as a call lost to a partition.
      apply: (batch) => (hang ? ((hang = false), new Promise<boolean>(() => undefined)) : inner.apply(batch)),
    });
    const sessions = createSessionManager({ store, storeTimeout: 50 });
    const patient = createSessionManager({ store });
    expect(await Promise.all([codeOf(sessions.create({ userId: 'ada' })), codeOf(sessions.create({ userId: 'ada' }))])).toEqual(['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE']);
    // Queued behind both: it starts once the second had its turn.
    const { session } = await patient.create({ userId: 'ada' });
    expect(reads).toBe(2);
    expect((await patient.list('ada')).map((view) => view.id)).toEqual([session.id]);
  });

  it('leaves a rotation given up on unwritten: the token the client kept is still current, not reused, past the grace', async () => {
    const { store, stallNext, resume } = stallingReads();
    let now = 1_800_000_000_000;
    const kinds = { remember: { rotateAfter: 600_000, rotationGrace: 60_000 } };
    const sessions = createSessionManager({ store, clock: () => now, kinds, storeTimeout: 50 });
    const patient = createSessionManager({ store, clock: () => now, kinds });
    const { token } = await sessions.create({ userId: 'ada', kind: 'remember' });
    now += 600_000;
    stallNext();
    expect(await codeOf(sessions.validate(token))).toBe('STORE_UNAVAILABLE');
    resume();
    // Queued behind the given-up rotation: once this sign-in is in, that rotation is over.
    await patient.create({ userId: 'ada' });
    now += 120_000;
    const again = await patient.validate(token);
    expect([again.ok, again.ok && again.rotatedToken !== undefined]).toEqual([true, true]);
  });
});
