import { createHash, randomBytes } from 'node:crypto';
import { activityId, derivedActivityId } from '../../activity-id.js';
import { STORE_LIMITS, type ActivityRecord } from '../../store.js';
import type { StoreOperations } from '../../storage/index.js';
import { capabilityTest } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC_DEVICE, codeOf, evictOldest, freshUser, insert, newRecord, refuse, signInFrom } from './fixtures.js';

function entry(userId: string | undefined, type: string, at: number, fields: Partial<ActivityRecord> = {}): ActivityRecord {
  return { id: activityId(at), userId, type, at, reason: type === 'session.created' ? 'sign_in' : 'revoked', ...fields };
}

/** The activity capability is all or nothing: a store has every method or none. */
function hasActivity(store: StoreOperations): boolean {
  const methods = [store.appendActivity, store.listActivity, store.listDevices, store.saveRevocationLink, store.consumeRevocationLink];
  const present = methods.filter((method) => typeof method === 'function').length;
  if (present !== 0 && present !== methods.length) throw new Error(`The store has ${present} of the ${methods.length} activity methods: all or none.`);
  return present === methods.length;
}

const list = (store: StoreOperations, userId: string, options: { limit?: number; before?: string; tenantId?: string } = {}) =>
  store.listActivity!(userId, { limit: options.limit ?? 100, before: options.before, tenantId: options.tenantId });

const ids = (found: readonly ActivityRecord[]) => found.map((item) => item.id);

/** Account activity, known devices and revocation links, as a store with `listActivity` keeps them. */
export function describeActivity(suite: StoreSuiteContext): void {
  const { describe, it, expect, store } = suite;
  const withActivity = capabilityTest(suite, () => hasActivity(store()), 'the store lists no activity (listActivity)');
  const withStats = capabilityTest(suite, () => store().stats !== undefined, 'the store counts no rows (stats)');
  describe('activity, known devices and revocation links', () => {
    it('a store has all the activity methods or none', () => {
      expect(typeof hasActivity(store())).toBe('boolean');
    });

    withActivity('writes a create\'s entry with it, and one derived entry per session it replaced or evicted', async () => {
      const user = freshUser();
      const t = Date.now();
      const old = await insert(store(), user, { createdAt: t, ...CHROME_MAC_DEVICE, ip: '198.51.100.7' });
      const idle = await insert(store(), user, { createdAt: t + 1, kind: 'browser' });
      const busy = await insert(store(), user, { createdAt: t + 2 });
      await store().touch(busy.id, t + 50);
      const signIn = entry(user, 'session.created', t + 100, { deviceLabel: 'Chrome on Mac OS', ip: '203.0.113.0' });
      const activity = { ...signIn, sessionId: 'will-be-the-new-one' };
      const created = await store().create(newRecord(store(), user, { createdAt: t + 100, ...CHROME_MAC_DEVICE }), { replaceDevice: true, limit: evictOldest(2), activity });
      expect([created.replaced, created.evicted].map((rows) => rows.map(({ id }) => id))).toEqual([[old.id], [idle.id]]);
      expect(await list(store(), user)).toEqual([
        { id: derivedActivityId(signIn.id, 1), userId: user, type: 'session.revoked', at: t + 100, reason: 'session_limit', sessionId: idle.id, deviceLabel: 'Unknown device' },
        { id: derivedActivityId(signIn.id, 0), userId: user, type: 'session.revoked', at: t + 100, reason: 'replaced', sessionId: old.id, deviceLabel: 'Chrome on Mac OS', ip: '198.51.100.7' },
        { ...signIn, sessionId: 'will-be-the-new-one' },
      ]);
    });

    withActivity('pages a dozen entries of one create in order, each once: a store ordering ids other than as text shows them out of order', async () => {
      const user = freshUser();
      const t = Date.now();
      const rows = [];
      for (let index = 0; index < 12; index++) rows.push(await insert(store(), user, { createdAt: t + index }));
      const signIn = entry(user, 'session.created', t + 100);
      const created = await store().create(newRecord(store(), user, { createdAt: t + 100 }), { replaceDevice: false, limit: evictOldest(1), activity: signIn });
      expect(created.evicted.map(({ id }) => id)).toEqual(rows.map(({ id }) => id));
      const paged: ActivityRecord[] = [];
      for (let page = await list(store(), user, { limit: 5 }); page.length > 0; page = await list(store(), user, { limit: 5, before: page.at(-1)!.id })) paged.push(...page);
      expect(ids(paged)).toEqual([...rows.map((_, index) => derivedActivityId(signIn.id, index)).reverse(), signIn.id]);
    });

    withActivity('a refused create writes no entry', async () => {
      const user = freshUser();
      await insert(store(), user);
      expect(await codeOf(store().create(newRecord(store(), user), { replaceDevice: false, limit: refuse(1), activity: entry(user, 'session.created', Date.now()) }))).toBe('SESSION_LIMIT');
      expect(await list(store(), user)).toEqual([]);
    });

    withActivity('revoke writes its entry only when it revoked; revokeAll and revokeOthers always write theirs', async () => {
      const user = freshUser();
      const t = Date.now();
      const a = await insert(store(), user, { createdAt: t, tenantId: 'acme' });
      const first = entry(user, 'session.revoked', t + 1, { sessionId: a.id, reason: 'sign_out', tenantId: 'acme', by: 'support-7' });
      expect((await store().revoke(a.id, { at: t + 1, reason: 'sign_out', activity: first }))?.id).toBe(a.id);
      expect(await store().revoke(a.id, { at: t + 2, reason: 'sign_out', activity: entry(user, 'session.revoked', t + 2) })).toBeNull();
      expect(await store().revoke('AAAAAAAAAAAAAAAAAAAAAA', { at: t + 2, reason: 'sign_out', activity: entry(user, 'session.revoked', t + 2) })).toBeNull();
      const everywhere = entry(user, 'user.session_invalidated', t + 3, { reason: 'sign_out_everywhere' });
      await store().revokeAll(user, { kinds: ['browser'], at: t + 3, activity: everywhere });
      const others = entry(user, 'user.session_invalidated', t + 4, { reason: 'sign_out_others', sessionId: a.id });
      expect(await store().revokeOthers(user, { keepSessionId: a.id, kinds: ['browser'], at: t + 4, reason: 'sign_out_others', activity: others })).toEqual([]);
      expect(await list(store(), user)).toEqual([others, everywhere, first]);
    });

    withActivity('lists newest first by id, pages with before and limit, and never shows another user', async () => {
      const user = freshUser();
      const other = freshUser('other');
      const t = Date.now();
      const written = Array.from({ length: 7 }, (_, index) => entry(user, 'session.reauthenticated', t + index, { reason: 'reauthenticated', sessionId: `s${index}` }));
      // Appended out of order, and in two calls: the order comes from the ids.
      await store().appendActivity!([written[3]!, written[0]!, written[6]!]);
      await store().appendActivity!([written[1]!, written[5]!, written[2]!, written[4]!, entry(other, 'session.created', t + 3)]);
      const newestFirst = [...written].reverse();
      const page1 = await list(store(), user, { limit: 3 });
      expect(ids(page1)).toEqual(ids(newestFirst.slice(0, 3)));
      const page2 = await list(store(), user, { limit: 3, before: page1.at(-1)!.id });
      expect(ids(page2)).toEqual(ids(newestFirst.slice(3, 6)));
      const page3 = await list(store(), user, { limit: 3, before: page2.at(-1)!.id });
      expect(ids(page3)).toEqual(ids(newestFirst.slice(6)));
      expect(await list(store(), user, { limit: 3, before: page3.at(-1)!.id })).toEqual([]);
      expect(page1[0]).toEqual(newestFirst[0]);
      expect((await list(store(), other)).map((item) => item.userId)).toEqual([other]);
      expect(await list(store(), freshUser('nobody'))).toEqual([]);
    });

    withActivity('merges the tenant\'s own entries only when asked with the tenant, never a teammate\'s', async () => {
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      const mine = entry(user, 'session.created', t, { tenantId: tenant });
      await store().appendActivity!([mine]);
      const tenantWide = entry(undefined, 'tenant.sessions_invalidated', t + 1, { tenantId: tenant, reason: 'admin', by: 'owner-1' });
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 1, activity: tenantWide });
      // Another tenant's entry, and a teammate's own: `tenant_id = ?` without `user_id IS NULL` would list another user's devices and addresses.
      await store().appendActivity!([entry(undefined, 'tenant.sessions_invalidated', t + 2, { tenantId: freshUser('tenant') }), entry(freshUser('teammate'), 'session.created', t + 2, { tenantId: tenant })]);
      expect(await list(store(), user, { tenantId: tenant })).toEqual([tenantWide, mine]);
      expect(await list(store(), user)).toEqual([mine]);
      expect(ids(await list(store(), user, { tenantId: tenant, limit: 1 }))).toEqual([tenantWide.id]);
      expect(ids(await list(store(), user, { tenantId: tenant, before: tenantWide.id }))).toEqual([mine.id]);
    });

    withActivity('a sign-in remembers its device: null the first time, then the previous sighting, keeping the latest', async () => {
      const user = freshUser();
      const hash = createHash('sha256').update(`Chrome|Mac OS|${user}`).digest('base64url');
      const t = Date.now();
      expect(await signInFrom(store(), user, hash, t)).toBeNull();
      expect(await signInFrom(store(), user, hash, t + 10)).toBe(t);
      expect(await signInFrom(store(), user, hash, t + 5)).toBe(t + 10);
      expect(await signInFrom(store(), freshUser('other'), hash, t)).toBeNull();
      expect(await store().listDevices!(user)).toEqual([{ deviceHash: hash, lastSeenAt: t + 10 }]);
      expect(await store().listDevices!(freshUser('nobody'))).toEqual([]);
      // "This wasn't me": the device is written back to 0 with its sign-out, so its next sign-in is a new device's; one not known stays so.
      await store().revokeOthers(user, { kinds: [], at: t + 15, reason: 'not_me', forgetDevice: hash });
      await store().revokeOthers(user, { kinds: [], at: t + 15, reason: 'not_me', forgetDevice: hash.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) });
      expect(await store().listDevices!(user)).toEqual([{ deviceHash: hash, lastSeenAt: 0 }]);
      expect(await signInFrom(store(), user, hash, t + 20)).toBe(0);
      expect(await store().listDevices!(user)).toEqual([{ deviceHash: hash, lastSeenAt: t + 20 }]);
    });

    withActivity('a revocation link is used once, only with its secret and before its expiry', async () => {
      const user = freshUser();
      const secret = randomBytes(32);
      const hashOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest();
      const t = Date.now();
      const link = { id: 'LLLLLLLLLLLLLLLLLLLLL1', secretHash: hashOf(secret), userId: user, sessionId: 'SSSSSSSSSSSSSSSSSSSSS1', expiresAt: t + 60_000 };
      const linkId = `${freshUser('l').replace(/[^A-Za-z0-9]/g, '').slice(-10)}`.padStart(22, 'L');
      await store().saveRevocationLink!({ ...link, id: linkId });
      expect(await store().consumeRevocationLink!(linkId, hashOf(randomBytes(32)), t)).toBeNull();
      expect(await store().consumeRevocationLink!(linkId, hashOf(secret), t + 60_000)).toBeNull();
      const used = await store().consumeRevocationLink!(linkId, hashOf(secret), t);
      expect(used === null ? null : [used.id, used.userId, used.sessionId, used.expiresAt]).toEqual([linkId, user, link.sessionId, link.expiresAt]);
      expect(Buffer.from(used!.secretHash).equals(link.secretHash)).toBe(true);
      expect(await store().consumeRevocationLink!(linkId, hashOf(secret), t)).toBeNull();
      expect(await store().consumeRevocationLink!('NNNNNNNNNNNNNNNNNNNNNN', hashOf(secret), t)).toBeNull();
    });

    withActivity('prune drops old entries, devices not seen in the window and expired links, and keeps the rest', async () => {
      const user = freshUser();
      const t = Date.now();
      const recent = entry(user, 'session.created', t - 10);
      // Exactly at the bound goes too, as for rows, keys and the deny-list.
      await store().appendActivity!([entry(user, 'session.created', t - 100_000), entry(user, 'session.created', t - 50_000), recent]);
      await signInFrom(store(), user, 'c'.repeat(43), t - 100_000);
      await signInFrom(store(), user, 'd'.repeat(43), t - 50_000);
      await signInFrom(store(), user, 'e'.repeat(43), t - 10);
      const secretHash = createHash('sha256').update('x').digest();
      await store().saveRevocationLink!({ id: 'EXPIREDEXPIREDEXPIRED1', secretHash, userId: user, sessionId: 'SSSSSSSSSSSSSSSSSSSSS3', expiresAt: t - 1 });
      await store().saveRevocationLink!({ id: 'LIVELINKLIVELINKLIVEL1', secretHash, userId: user, sessionId: 'SSSSSSSSSSSSSSSSSSSSS3', expiresAt: t + 60_000 });
      // As the manager calls it: again only while session rows go, and none is due here; the other tables' backlog exceeds the limit.
      for (let round = 0; round < 5 && (await store().prune({ now: t, limit: 1, activityBefore: t - 50_000, devicesBefore: t - 50_000 })) > 0; round++);
      expect(await list(store(), user)).toEqual([recent]);
      expect(await store().listDevices!(user)).toEqual([{ deviceHash: 'e'.repeat(43), lastSeenAt: t - 10 }]);
      // The expired link is gone, even for a caller whose clock says it is still valid.
      expect(await store().consumeRevocationLink!('EXPIREDEXPIREDEXPIRED1', secretHash, t - 1_000)).toBeNull();
      expect(await store().consumeRevocationLink!('LIVELINKLIVELINKLIVEL1', secretHash, t)).not.toBeNull();
    });

    withActivity('eraseUser deletes the user\'s entries, devices and links, and nobody else\'s: not a teammate\'s, nor the tenant\'s own', async () => {
      const [user, other, tenantId] = [freshUser(), freshUser('other'), freshUser('tenant')];
      const t = Date.now();
      await insert(store(), user);
      const tenantWide = entry(undefined, 'tenant.sessions_invalidated', t, { tenantId, reason: 'admin' });
      await store().appendActivity!([entry(user, 'session.created', t, { tenantId }), entry(other, 'session.created', t, { tenantId }), tenantWide]);
      await signInFrom(store(), user, 'f'.repeat(43), t);
      await signInFrom(store(), other, 'f'.repeat(43), t);
      const secretHash = createHash('sha256').update('y').digest();
      const [mine, theirs] = ['m', 't'].map((pad) => `${Date.now().toString(36)}${randomBytes(8).toString('hex')}`.slice(0, 22).padEnd(22, pad)) as [string, string];
      await store().saveRevocationLink!({ id: mine, secretHash, userId: user, sessionId: 'SSSSSSSSSSSSSSSSSSSSS4', expiresAt: t + 60_000 });
      await store().saveRevocationLink!({ id: theirs, secretHash, userId: other, sessionId: 'SSSSSSSSSSSSSSSSSSSSS5', expiresAt: t + 60_000 });
      await store().eraseUser(user, Date.now());
      // The tenant's own entries are its admins' record of tenant-wide sign-outs, not the user's data.
      expect(await list(store(), user, { tenantId })).toEqual([tenantWide]);
      expect(await store().listDevices!(user)).toEqual([]);
      expect(await store().consumeRevocationLink!(mine, secretHash, t)).toBeNull();
      expect(await list(store(), other)).toHaveLength(1);
      expect(await store().listDevices!(other)).toHaveLength(1);
      expect(await store().consumeRevocationLink!(theirs, secretHash, t)).not.toBeNull();
    });

    withActivity('keeps a sign-in and its entry with an IP address of 64 characters (IPv6 with a zone) and a User-Agent of 512', async () => {
      const user = freshUser();
      const t = Date.now();
      const ip = '2001:0db8:85a3:0000:0000:8a2e:0370:7334%'.padEnd(STORE_LIMITS.ipLength, 'z');
      const userAgent = `Mozilla/5.0 ${'x'.repeat(STORE_LIMITS.userAgentLength - 12)}`;
      const kept = entry(user, 'session.created', t, { ip, deviceLabel: 'Chrome on Mac OS' });
      const { session } = await store().create(newRecord(store(), user, { createdAt: t, ip, userAgent }), { replaceDevice: false, activity: kept });
      const read = (await store().get(session.id))!.session;
      expect([read.ip, read.userAgent]).toEqual([ip, userAgent]);
      expect(await list(store(), user)).toEqual([kept]);
    });
  });

  describe('stats', () => {
    withStats('stats counts live, revoked and expired rows per kind', async () => {
      const before = await store().stats!(Date.now());
      const user = freshUser();
      const t = Date.now();
      await insert(store(), user, { kind: 'api' });
      const revoked = await insert(store(), user, { kind: 'api' });
      await store().revoke(revoked.id, { at: t, reason: 'revoked' });
      await insert(store(), user, { kind: 'api', createdAt: t - 10_000, maxAge: 5_000 });
      const after = await store().stats!(Date.now());
      const delta = (field: 'live' | 'revoked' | 'expired') => (after['api']?.[field] ?? 0) - (before['api']?.[field] ?? 0);
      expect([delta('live'), delta('revoked'), delta('expired')]).toEqual([1, 1, 1]);
    });
  });
}
