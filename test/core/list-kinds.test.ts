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

describe('list() with kinds', () => {
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
});
