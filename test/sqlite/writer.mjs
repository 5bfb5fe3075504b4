// A child process of processes.test.ts: one more process writing to the same database file
// through the SQLite store, started by a "go" message so every writer overlaps.
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [bundle, filename, name, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText);
const { sqliteStore } = await import(pathToFileURL(bundle).href);
const { storeOperations } = await import(new URL('storage.js', pathToFileURL(bundle)).href);
const store = storeOperations(sqliteStore({ filename, busyTimeout: 10_000 }));
// Create the schema before the race too: several processes doing it at once is part of the test.
await store.getRevocationState('warm-up');

const newRecord = (userId, extra = {}) => {
  const createdAt = Date.now();
  return {
    id: randomBytes(16).toString('base64url'),
    userId,
    kind: 'browser',
    secretHash: createHash('sha256').update(randomBytes(32)).digest(),
    createdAt,
    authenticatedAt: createdAt,
    maxAge: 60_000_000,
    ...extra,
  };
};
const capped = { max: 3, onLimit: 'evict-oldest', idleBefore: 0 };
// The test saved one revocation link per round, derived the same way; every writer tries
// to use each one.
const linkOf = (round) => ({ id: `link-${round}`.padEnd(22, '.'), secretHash: createHash('sha256').update(`secret-${round}`).digest() });
const activity = (id, type, reason) => ({ id, userId: 'shared', type, at: Date.now(), reason });

process.send({ type: 'ready' });
await new Promise((resolve) => process.once('message', resolve));

const errors = [];
const created = [];
const replaced = [];
const epochsAsked = [];
const evicted = [];
const consumed = [];
for (let round = 0; round < rounds; round++) {
  try {
    const { session } = await store.create(newRecord('shared'), { replaceDevice: false, activity: activity(`${name}-${round}-in`, 'session.created', 'sign_in') });
    created.push(session.id);
    const device = await store.create(newRecord('one-device', { deviceKey: 'Chrome|Mac OS' }), { replaceDevice: true });
    replaced.push(...device.replaced.map(({ id }) => id));
    created.push(device.session.id);
    const limited = await store.create(newRecord('capped'), { replaceDevice: false, limit: capped });
    evicted.push(limited.evicted.map(({ id }) => id));
    await store.touch(session.id, Date.now() + 60_000);
    if (round % 5 === 0) {
      const out = activity(`${name}-${round}-out`, 'session.revoked', 'sign_out');
      // An hour: on a loaded machine the run can outlast a minute, and a later round's prune deletes a lapsed entry.
      await store.revoke(session.id, { at: Date.now(), reason: `by-${name}`, denyUntil: Date.now() + 3_600_000, activity: out });
    }
    const link = linkOf(round);
    if ((await store.consumeRevocationLink(link.id, link.secretHash, Date.now())) !== null) consumed.push(link.id);
    if (round % 10 === 5) {
      // The tenant's epoch covers every sign-in made before the raise, whichever process made
      // it, and every sign-in after it is born after it.
      // Another process's raise landing while a sign-in is under way refuses it (UNAUTHENTICATED): the app signs in again.
      const signIn = async (attempt = 0) => {
        try {
          return await store.create(newRecord('tenant-user', { tenantId: 'tenant' }), { replaceDevice: false });
        } catch (error) {
          if (error?.code !== 'UNAUTHENTICATED' || attempt === 4) throw error;
          return signIn(attempt + 1);
        }
      };
      const before = await signIn();
      const epochs = await store.revokeTenant('tenant', { kinds: ['browser'], at: before.session.createdAt - 60_000 });
      if (!(epochs.browser >= before.session.createdAt)) errors.push({ message: `tenant epoch ${epochs.browser} below ${before.session.createdAt}` });
      const after = await signIn();
      if (!(after.session.createdAt > epochs.browser)) errors.push({ message: `sign-in at ${after.session.createdAt} not after ${epochs.browser}` });
    }
    if (round % 10 === 0) {
      const at = Date.now() + (round % 7);
      epochsAsked.push(at);
      await store.revokeAll('epochs', { kinds: ['remember'], at });
    }
    if (round % 50 === 0) await store.prune({ now: Date.now(), limit: 100, activityBefore: 0, devicesBefore: 0 });
  } catch (error) {
    errors.push({ code: error?.code, message: String(error?.message ?? error) });
  }
}
await store.close();
process.send({ type: 'done', name, errors, created, replaced, epochsAsked, evicted, consumed }, () => process.exit(0));
