import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError } from '../../src/index.js';

async function refusal(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'listed';
  } catch (error) {
    return isSessionError(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('list() with kinds and a time', () => {
  it('lists only the kinds named', async () => {
    const sessions = createSessionManager();
    const browser = await sessions.create({ userId: 'ada' });
    await sessions.create({ userId: 'ada', kind: 'api' });
    expect((await sessions.list('ada', { kinds: ['browser', 'remember'] })).map((row) => row.id)).toEqual([browser.session.id]);
    expect(await sessions.list('ada')).toHaveLength(2);
  });

  it('refuses kinds that are not a non-empty list of its kinds, as revokeAll does, instead of listing nothing', async () => {
    const sessions = createSessionManager();
    await sessions.create({ userId: 'ada' });
    expect(await refusal(() => sessions.list('ada', { kinds: 'browser' as never }))).toMatch(/^INVALID_INPUT: kinds must be/);
    expect(await refusal(() => sessions.list('ada', { kinds: [] }))).toMatch(/^INVALID_INPUT: kinds must be/);
    expect(await refusal(() => sessions.list('ada', { kinds: ['browsers'] }))).toBe('INVALID_INPUT: Unknown session kind "browsers".');
  });

  it('refuses a now that is no finite time, instead of listing sessions judged at no time', async () => {
    const sessions = createSessionManager();
    await sessions.create({ userId: 'ada' });
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY, '1700000000000' as never]) {
      expect(await refusal(() => sessions.list('ada', { now }))).toBe('INVALID_INPUT: now must be a finite time in ms since 1970.');
    }
    expect(await sessions.list('ada', { now: Date.now() })).toHaveLength(1);
  });
});
