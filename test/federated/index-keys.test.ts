import { describe, expect, it } from 'vitest';
import { storeOperations } from '../../src/storage/index.js';
import { keyName } from '../../src/storage/keys.js';
import { memoryStore } from '../../src/stores/memory.js';
import { mintToken } from '../../src/token.js';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const iss = 'https://idp.example.com';
const T0 = Date.UTC(2026, 0, 1);

const minted = () => {
  const { id, secretHash } = mintToken();
  return { id, secretHash };
};

function setup() {
  const raw = memoryStore();
  const store = storeOperations(raw);
  const signIn = (userId: string, createdAt: number, maxAge = DAY) =>
    store.create({ ...minted(), userId, kind: 'browser', createdAt, authenticatedAt: createdAt, maxAge, federated: { iss, sub: 'alice', sid: 'sid-1' } }, { replaceDevice: false });
  const subKey = keyName('fsub', iss, 'alice');
  const users = async (now: number) => (await store.findFederatedLinks({ by: 'sub', iss, sub: 'alice' }, now)).map((link) => link.userId).sort();
  // As the manager erases: every session signed out first, then the erase.
  const erase = async (userId: string, at: number) => {
    await store.revokeAll(userId, { kinds: ['browser'], everyStoredKind: true, at });
    return store.eraseUser(userId, at);
  };
  return { raw, store, signIn, subKey, users, erase };
}

describe('the keys that find a provider identity’s local users', () => {
  it('keep an emptied key, so its version goes on and a batch read before the erase cannot land on a new key', async () => {
    const { raw, signIn, subKey, erase } = setup();
    await signIn('a', T0);
    const before = await raw.readKey(subKey);
    await erase('a', T0 + 1);
    const after = await raw.readKey(subKey);
    expect(after.version).toBe(before.version + 1);
    expect(after.value).toBe('[]');
    // A write that read the key before the erase holds an old version: refused.
    expect(await raw.apply({ owner: { key: subKey }, version: before.version, writes: [{ type: 'putKey', key: subKey, value: '[["a",1]]', expiresAt: T0 + DAY }] })).toBe(false);
  });

  it('lose an erased user’s entry, also one long past its session’s end', async () => {
    const { raw, signIn, subKey, erase } = setup();
    await signIn('a', T0, HOUR);
    await signIn('b', T0, 7 * DAY);
    await erase('a', T0 + 3 * HOUR);
    expect((await raw.readKey(subKey)).value).not.toContain('"a"');
    expect((await raw.readKey(subKey)).value).toContain('"b"');
  });

  it('keep listing a user whose session is still live when the erase reads (signed in since its sign-out everywhere)', async () => {
    const { raw, store, signIn, subKey } = setup();
    await signIn('a', T0);
    await store.eraseUser('a', T0 + 1);
    expect((await raw.readKey(subKey)).value).toContain('"a"');
  });

  it('are not dropped by a server whose clock runs up to an hour fast', async () => {
    const { signIn, users } = setup();
    await signIn('a', T0, HOUR);
    // 45 minutes later a second user signs in on a server 30 minutes fast: by its clock a's session has ended.
    await signIn('b', T0 + 75 * 60_000);
    expect(await users(T0 + 50 * 60_000)).toEqual(['a', 'b']);
  });

  it('drop an entry a while after its session ended, and keep the key until then', async () => {
    const { raw, signIn, subKey, users } = setup();
    await signIn('a', T0, HOUR);
    await signIn('b', T0 + 3 * HOUR, HOUR);
    expect(await users(T0 + 3 * HOUR)).toEqual(['b']);
    expect((await raw.readKey(subKey)).value).not.toContain('"a"');
    expect((await raw.readKey(subKey)).expiresAt).toBe(T0 + 4 * HOUR + HOUR);
  });

  it('refuse a sign-in the key has no room to list, and write nothing of it', async () => {
    const { store, signIn, users } = setup();
    const long = (index: number) => `${String(index).padStart(3, '0')}${'u'.repeat(250)}`;
    let refused: unknown;
    let listed = 0;
    for (let index = 0; index < 10 && refused === undefined; index++) {
      await signIn(long(index), T0).then(
        () => (listed += 1),
        (error: unknown) => (refused = error),
      );
    }
    expect(refused).toMatchObject({ code: 'INVALID_INPUT' });
    expect(listed).toBeGreaterThan(0);
    expect(await users(T0)).toHaveLength(listed);
    expect((await store.listByUser(long(listed))).sessions).toEqual([]);
  });
});

describe('a sign-in whose batches keep losing the version', () => {
  it('is STORE_UNAVAILABLE naming what kept changing, and writes nothing', async () => {
    const inner = memoryStore();
    // Every batch of one owner kind loses, as if other instances kept writing it.
    const losing = (kind: 'userId' | 'key') => storeOperations({ ...inner, apply: async (batch) => (kind in batch.owner ? false : inner.apply(batch)) });
    const signIn = (store: ReturnType<typeof storeOperations>, userId: string) =>
      store.create({ ...minted(), userId, kind: 'browser', createdAt: T0, authenticatedAt: T0, maxAge: DAY, federated: { iss, sub: userId } }, { replaceDevice: false });
    const [user, key] = await Promise.allSettled([signIn(losing('userId'), 'lost-user'), signIn(losing('key'), 'lost-key')]);
    expect(user).toMatchObject({ status: 'rejected', reason: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('other instances kept changing the same user;') } });
    expect(key).toMatchObject({ status: 'rejected', reason: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('other instances kept changing the same key;') } });
    const store = storeOperations(inner);
    expect((await store.listByUser('lost-user')).sessions).toEqual([]);
    expect((await store.listByUser('lost-key')).sessions).toEqual([]);
    expect(await store.findFederatedLinks({ by: 'sub', iss, sub: 'lost-key' }, T0)).toEqual([]);
  }, 30_000);
});
