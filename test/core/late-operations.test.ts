import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';
import { overriding } from '../support/overriding.js';

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ok',
    (error: unknown) => (isSessionError(error) ? error.code : String(error)),
  );

/** A memory store whose next `readUser`s (one unless told) answer only once the test lets them, as a database stalled for a moment. */
function stallingReads(): { store: SessionStore; stallNext: (reads?: number) => void; resume: () => void } {
  const inner = memoryStore();
  let stalls = 0;
  let resumed: Promise<void> | undefined;
  let resume = (): void => undefined;
  const store = overriding(inner, {
    readUser: async (userId, tenantId, sessionId) => {
      if (stalls > 0) {
        stalls -= 1;
        await (resumed ??= new Promise<void>((resolve) => (resume = resolve)));
      }
      return inner.readUser(userId, tenantId, sessionId);
    },
  });
  // A stall no read reached (a loaded machine gave up earlier) is called off: no later read waits.
  return { store, stallNext: (reads = 1) => void ((stalls = reads), (resumed = undefined)), resume: () => ((stalls = 0), resume()) };
}

// Two managers over one store object: the patient one's operations on a user queue behind the
// impatient one's, so each test knows the given-up operation is over once its own has run. A
// rotation does not queue: its stalled reads are released first, so a batch it sent late would
// land before the patient sign-in's.
function managers(store: SessionStore, options: object = {}) {
  return { impatient: createSessionManager({ store, storeTimeout: 100, ...options }), patient: createSessionManager({ store, ...options }) };
}

describe('an operation whose caller was answered STORE_UNAVAILABLE', () => {
  it('sends no batch afterwards: a sign-in given up on never shows up as a session nobody holds', async () => {
    const { store, stallNext, resume } = stallingReads();
    const { impatient, patient } = managers(store);
    stallNext();
    expect(await codeOf(impatient.create({ userId: 'ada' }))).toBe('STORE_UNAVAILABLE');
    resume();
    const { session } = await patient.create({ userId: 'ada' });
    expect((await patient.list('ada')).map((view) => view.id)).toEqual([session.id]);
  });

  it('never starts when it was still queued: it reads nothing', async () => {
    const inner = memoryStore();
    let reads = 0;
    const store = overriding(inner, {
      readUser: (userId, tenantId, sessionId) => ((reads += 1), inner.readUser(userId, tenantId, sessionId)),
      // An API session's batch never answers, as a call lost to a partition.
      apply: (batch) => (batch.writes.some((write) => write.type === 'insert' && write.session.kind === 'api') ? new Promise<boolean>(() => undefined) : inner.apply(batch)),
    });
    const { impatient, patient } = managers(store);
    const given = await Promise.all([codeOf(impatient.create({ userId: 'ada', kind: 'api' })), codeOf(impatient.create({ userId: 'ada', kind: 'api' }))]);
    expect(given).toEqual(['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE']);
    // Queued behind both: it starts once the second had its turn. Reads: the first's, the one settling the first (its batch was sent), this one's.
    const { session } = await patient.create({ userId: 'ada' });
    expect(reads).toBe(3);
    expect((await patient.list('ada')).map((view) => view.id)).toEqual([session.id]);
  });

  it('leaves a rotation given up on unwritten: the token the client kept is still current, not reused, past the grace', async () => {
    const { store, stallNext, resume } = stallingReads();
    let now = 1_800_000_000_000;
    const { impatient, patient } = managers(store, { clock: () => now, kinds: { remember: { rotateAfter: 600_000, rotationGrace: 60_000 } } });
    const { token } = await patient.create({ userId: 'ada', kind: 'remember' });
    now += 600_000;
    // The rotation's read and the one that asks again after its answer was lost.
    stallNext(2);
    expect(await codeOf(impatient.validate(token))).toBe('STORE_UNAVAILABLE');
    resume();
    await patient.create({ userId: 'ada' });
    now += 120_000;
    const again = await patient.validate(token);
    expect([again.ok, again.ok && again.rotatedToken !== undefined]).toEqual([true, true]);
  });

  it('applies no revocation either: a sign out everywhere answered 503 ended nothing, and is asked again', async () => {
    const { store, stallNext, resume } = stallingReads();
    const { impatient, patient } = managers(store);
    const { token } = await patient.create({ userId: 'ada' });
    stallNext();
    expect(await codeOf(impatient.revokeAll('ada'))).toBe('STORE_UNAVAILABLE');
    resume();
    const later = await patient.create({ userId: 'ada', kind: 'remember' });
    expect([(await patient.validate(token)).ok, (await patient.validate(later.token)).ok]).toEqual([true, true]);
    await patient.revokeAll('ada');
    expect([(await patient.validate(token)).ok, (await patient.validate(later.token)).ok]).toEqual([false, false]);
  });
});
