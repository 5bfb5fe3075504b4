import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

// `data` is checked as JSON (its size, its text): what every store keeps is that JSON, the memory store included.
describe('session data is kept as the JSON that was checked', () => {
  it('an object with its own toJSON is kept as what it serialises to', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const data = { plan: 'pro', toJSON: () => ({ plan: 'pro' }) };
    const { token, session } = await sessions.create({ userId: 'dave', data: data as never });
    expect(session.data).toEqual({ plan: 'pro' });
    const result = await sessions.validate(token);
    expect(result.ok && result.session.data).toEqual({ plan: 'pro' });
  });

  it('a Map, which serialises as {}, is kept as {}: not a megabyte the size check never saw', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const { token } = await sessions.create({ userId: 'erin', data: { cache: new Map([['blob', 'x'.repeat(1_000_000)]]) } as never });
    const result = await sessions.validate(token);
    expect(result.ok && result.session.data).toEqual({ cache: {} });
  });

  it('what toJSON answers is checked too: U+0000 in it, or no object, is INVALID_INPUT', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    await expect(sessions.create({ userId: 'fay', data: { toJSON: () => ({ note: 'a\u0000b' }) } as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(sessions.create({ userId: 'fay', data: { toJSON: () => 'text' } as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await sessions.list('fay')).toEqual([]);
  });
});
