import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

const DAY = 24 * 60 * 60_000;
const NOT_WHOLE = [0.5, Number.NaN, Number.POSITIVE_INFINITY, '60000', null];

async function signedIn() {
  const sessions = createSessionManager({ store: memoryStore() });
  const admin = await sessions.create({ userId: 'admin' });
  return { sessions, admin };
}

describe('arguments counted in whole units', () => {
  it('activity(): limit from 1 to 1,000; anything else is INVALID_INPUT', async () => {
    const { sessions } = await signedIn();
    for (const limit of [0, 1001, -1, ...NOT_WHOLE]) {
      await expect(sessions.activity('admin', { limit: limit as number })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'activity(): limit must be a whole number from 1 to 1000.' });
    }
    for (const limit of [1, 1000]) expect((await sessions.activity('admin', { limit })).length).toBe(1);
    expect((await sessions.activity('admin', { limit: undefined })).length).toBe(1);
  });

  it('issueRevocationLink(): ttl from a minute to 30 days; anything else is INVALID_INPUT', async () => {
    const { sessions, admin } = await signedIn();
    for (const ttl of [59_999, 30 * DAY + 1, ...NOT_WHOLE]) {
      await expect(sessions.issueRevocationLink(admin.session.id, { ttl: ttl as number })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /ttl must be a whole number of ms from 60,000/ });
    }
    for (const ttl of [60_000, 30 * DAY]) expect(typeof (await sessions.issueRevocationLink(admin.session.id, { ttl }))).toBe('string');
  });

  it('impersonate(): ttl from a second to a day; anything else is INVALID_INPUT and starts nothing', async () => {
    const { sessions, admin } = await signedIn();
    for (const ttl of [999, DAY + 1, ...NOT_WHOLE]) {
      await expect(sessions.impersonate(admin.session, 'ada', { ttl: ttl as number })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /ttl must be a whole number of ms from 1,000 to 86,400,000/ });
    }
    expect(await sessions.list('ada')).toEqual([]);
    const { session } = await sessions.impersonate(admin.session, 'ada', { ttl: 1_000 });
    expect(session.expiresAt - session.createdAt).toBe(1_000);
  });

  it('isFresh(): maxAge a whole number of ms from 1; anything else is INVALID_INPUT', async () => {
    const { sessions, admin } = await signedIn();
    for (const maxAge of [0, -5, ...NOT_WHOLE]) {
      expect(() => sessions.isFresh(admin.session, maxAge as number)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'isFresh(): maxAge must be a whole number of ms >= 1.' }));
    }
    expect(sessions.isFresh(admin.session, 60_000)).toBe(true);
    expect(sessions.isFresh(admin.session, Number.MAX_VALUE)).toBe(true);
  });

  it('prune(): limit a whole number from 1; undefined prunes everything due', async () => {
    const { sessions } = await signedIn();
    for (const limit of [0, -1, ...NOT_WHOLE]) {
      await expect(sessions.prune({ limit: limit as number })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'prune(): limit must be a whole number >= 1.' });
    }
    expect(await sessions.prune({ limit: 1 })).toBe(0);
    expect(await sessions.prune({ limit: undefined })).toBe(0);
  });

  it('timer periods stop at the longest delay a Node timer keeps (2,147,483,647 ms): past it, a timer fires every millisecond', async () => {
    const { sessions } = await signedIn();
    const polling = { transmitter: { issuer: 'https://tr.example', audience: 'a' }, endpoint: 'https://tr.example/poll' };
    expect(() => sessions.startSecurityEventPolling({ ...polling, interval: 2 ** 31 })).toThrow(/interval \(ms\) must be a whole number from 1000 to 2147483647/);
    expect(() => createSessionManager({ store: memoryStore(), pruneInterval: 2 ** 31 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringMatching(/pruneInterval/) }));
    const stop = sessions.startSecurityEventPolling({ ...polling, interval: 2 ** 31 - 1 });
    stop();
  });
});
