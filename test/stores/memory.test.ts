import { describe, expect, it } from 'vitest';
import { DeviceTable } from '../../src/stores/device-table.js';
import { Interner } from '../../src/stores/interner.js';
import { memoryStore } from '../../src/stores/memory.js';
import { findMark, raiseMark } from '../../src/stores/text-marks.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { vitestRunner } from '../runner.js';

describeStoreConformance('memory', () => memoryStore(), { runner: vitestRunner });

const chrome = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS', deviceType: 'desktop' };
const deviceOf = (session: object) =>
  Object.fromEntries(['deviceKey', 'browser', 'os', 'deviceType', 'userAgent'].map((field) => [field, (session as Record<string, unknown>)[field]]));

describe('memory store device table', () => {
  it('shares one device per tuple and stays bounded under many distinct User-Agents', () => {
    const table = new DeviceTable(new Interner(), 3);
    const first = table.intern({ ...chrome, userAgent: 'ua-0' });
    expect(table.intern({ ...chrome, userAgent: 'ua-0' })).toBe(first);
    for (let index = 1; index < 100; index++) {
      const input = { ...chrome, userAgent: `ua-${index}` };
      expect(table.intern(input)).toEqual(input);
    }
    expect(table.size).toBe(3);
  });

  it('tells apart tuples that share a User-Agent (another parser, direct store use)', () => {
    const table = new DeviceTable(new Interner());
    const parsed = table.intern({ ...chrome, userAgent: 'ua' });
    const other = table.intern({ deviceKey: 'Custom|Mac OS', browser: 'Custom', os: 'Mac OS', userAgent: 'ua' });
    expect(other).not.toBe(parsed);
    expect(other).toEqual({ deviceKey: 'Custom|Mac OS', browser: 'Custom', os: 'Mac OS', deviceType: undefined, userAgent: 'ua' });
    expect(table.intern({ ...chrome, userAgent: 'ua' })).toBe(parsed);
  });

  it('gives back exactly the stored device fields, past the table bound too', async () => {
    const store = memoryStore();
    const inputs = [
      { ...chrome, userAgent: 'shared' },
      { deviceKey: 'Other|Linux', browser: 'Other', os: 'Linux', deviceType: undefined, userAgent: 'shared' },
      { deviceKey: undefined, browser: undefined, os: undefined, deviceType: undefined, userAgent: 'shared' },
      { deviceKey: undefined, browser: undefined, os: undefined, deviceType: undefined, userAgent: undefined },
    ];
    // More distinct User-Agents than the table keeps, so the last rows hold their own device.
    for (let index = 0; index < 10_050; index++) inputs.push({ ...chrome, userAgent: `Mozilla/5.0 (${index})` });
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

  it('keeps what a re-authentication does not change: data, a far last use, an odd expiry', async () => {
    const store = memoryStore();
    const record = newRecord(store, 'ada', { createdAt: 1_700_000_000_123, maxAge: 30 * day + 500, data: { theme: 'dark' } });
    await store.create(record, { replaceDevice: false });
    await store.touch(record.id, record.createdAt + 28 * day);
    expect(await store.reauthenticate(record.id, record.createdAt + 29 * day)).toBe(true);
    const read = (await store.get(record.id))!.session;
    expect(read).toMatchObject({
      createdAt: 1_700_000_000_123,
      expiresAt: 1_700_000_000_123 + 30 * day + 500,
      lastUsedAt: 1_700_000_000_123 + 28 * day,
      authenticatedAt: 1_700_000_000_123 + 29 * day,
      data: { theme: 'dark' },
    });
    expect(read.revokedAt).toBeUndefined();
  });

  it('answers every last use exactly, in the row and past it: 0, 2^32 - 2 and 2^32 - 1 ms after sign-in', async () => {
    const store = memoryStore();
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
    const store = memoryStore();
    const record = newRecord(store, 'bob', { createdAt: 1_700_000_000_000.25, maxAge: 1_000.5 });
    await store.create(record, { replaceDevice: false });
    await store.touch(record.id, 1_700_000_000_000.75);
    const read = (await store.get(record.id))!.session;
    expect([read.createdAt, read.expiresAt, read.lastUsedAt]).toEqual([1_700_000_000_000.25, 1_700_000_001_000.75, 1_700_000_000_000.75]);
  });
});

describe('memory store text marks', () => {
  it('keeps the latest time per key, any text a key, never lowered', () => {
    let marks = raiseMark(undefined, 'browser', 10);
    for (const [kind, at] of [['__proto__', 5], ['constructor', 7], ['browser', 8], ['toString', 3], ['browser', 12], ['__proto__', 4]] as const) {
      marks = raiseMark(marks, kind, at);
    }
    expect([findMark(marks, 'browser'), findMark(marks, '__proto__'), findMark(marks, 'constructor'), findMark(marks, 'toString')]).toEqual([12, 5, 7, 3]);
    expect(findMark(marks, 'remember')).toBeUndefined();
    expect(findMark(undefined, 'browser')).toBeUndefined();
    expect(marks).toHaveLength(8);
  });
});
