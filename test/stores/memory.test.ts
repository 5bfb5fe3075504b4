import { describe, expect, it } from 'vitest';
import { storeOperations } from '../../src/storage/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { vitestRunner } from '../runner.js';

describeStoreConformance('memory', () => memoryStore(), { runner: vitestRunner });

const chrome = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS', deviceType: 'desktop' };
const deviceOf = (session: object) =>
  Object.fromEntries(['deviceKey', 'browser', 'os', 'deviceType', 'userAgent'].map((field) => [field, (session as Record<string, unknown>)[field]]));

describe('memory store device fields', () => {
  it('gives back exactly the stored device fields', async () => {
    const store = storeOperations(memoryStore());
    const inputs = [
      { ...chrome, userAgent: 'shared' },
      { deviceKey: 'Other|Linux', browser: 'Other', os: 'Linux', deviceType: undefined, userAgent: 'shared' },
      { deviceKey: undefined, browser: undefined, os: undefined, deviceType: undefined, userAgent: 'shared' },
      { deviceKey: undefined, browser: undefined, os: undefined, deviceType: undefined, userAgent: undefined },
    ];
    const ids: string[] = [];
    for (const [index, input] of inputs.entries()) {
      const { session } = await store.create(newRecord(store, `user-${index}`, input), { replaceDevice: false });
      expect(deviceOf(session)).toEqual(input);
      ids.push(session.id);
    }
    for (const [index, id] of ids.entries()) expect(deviceOf((await store.get(id))!.session)).toEqual(inputs[index]);
  });
});

describe('memory store rows', () => {
  const day = 86_400_000;

  it('keeps what a re-authentication does not change: data, an odd expiry; its time is a use too', async () => {
    const store = storeOperations(memoryStore());
    const record = newRecord(store, 'ada', { createdAt: 1_700_000_000_123, maxAge: 30 * day + 500, data: { theme: 'dark' } });
    await store.create(record, { replaceDevice: false });
    expect(await store.touch(record.id, record.createdAt + 28 * day)).toBe(true);
    expect(await store.reauthenticate('ada', record.id, record.createdAt + 29 * day)).toBe(true);
    const read = (await store.get(record.id))!.session;
    expect(read).toMatchObject({
      createdAt: 1_700_000_000_123,
      expiresAt: 1_700_000_000_123 + 30 * day + 500,
      lastUsedAt: 1_700_000_000_123 + 29 * day,
      authenticatedAt: 1_700_000_000_123 + 29 * day,
      data: { theme: 'dark' },
    });
    expect(read.revokedAt).toBeUndefined();
  });

  it('answers every last use exactly, in the row and past it: 0, 2^32 - 2 and 2^32 - 1 ms after sign-in', async () => {
    const store = storeOperations(memoryStore());
    const createdAt = 1_700_000_000_000;
    const record = newRecord(store, 'cy', { createdAt, maxAge: 60 * day });
    await store.create(record, { replaceDevice: false });
    const seen: number[] = [];
    for (const after of [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1, 55 * day]) {
      await store.touch(record.id, createdAt + after);
      seen.push((await store.get(record.id))!.session.lastUsedAt - createdAt);
    }
    expect(seen).toEqual([0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1, 55 * day]);
  });

  it('answers times that are not whole milliseconds exactly', async () => {
    const store = storeOperations(memoryStore());
    const record = newRecord(store, 'bob', { createdAt: 1_700_000_000_000.25, maxAge: 1_000.5 });
    await store.create(record, { replaceDevice: false });
    await store.touch(record.id, 1_700_000_000_000.75);
    const read = (await store.get(record.id))!.session;
    expect([read.createdAt, read.expiresAt, read.lastUsedAt]).toEqual([1_700_000_000_000.25, 1_700_000_001_000.75, 1_700_000_000_000.75]);
  });
});

describe('memory store copies', () => {
  it('copies in and out: changing the record given, or a record, its data or its epochs read back, changes nothing stored', async () => {
    const store = storeOperations(memoryStore());
    const record = newRecord(store, 'ada', { createdAt: 1_700_000_000_000, data: { plan: 'pro', seats: [1, 2] } });
    const hash = Buffer.from(record.secretHash);
    const { session: created } = await store.create(record, { replaceDevice: false });
    record.secretHash.fill(0);
    (record.data!.seats as number[]).push(4);
    await store.revokeAll('ada', { kinds: ['remember'], at: 1_600_000_000_000 });
    const first = (await store.get(record.id))!;
    (first.session.data!.seats as number[]).push(3);
    (first.session as { userId: string }).userId = 'eve';
    first.session.secretHash.fill(0);
    (first.epochs as Record<string, number>).remember = 0;
    (created.data as { plan: string }).plan = 'free';
    const listed = (await store.listByUser('ada')).sessions[0]!;
    (listed as { revokedAt?: number }).revokedAt = 1;
    const again = (await store.get(record.id))!;
    expect(again.session).toMatchObject({ userId: 'ada', data: { plan: 'pro', seats: [1, 2] } });
    expect(again.session.revokedAt).toBeUndefined();
    expect(Buffer.from(again.session.secretHash).equals(hash)).toBe(true);
    expect(again.epochs).toEqual({ remember: 1_600_000_000_000 });
  });
});
