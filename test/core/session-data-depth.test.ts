import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { STORE_LIMITS, type JsonValue } from '../../src/store.js';
import { sharedStores } from '../support/shared-stores.js';

const stores = await sharedStores('datadepth');
const run = Math.random().toString(36).slice(2, 8);

/** `{ d: … }` nesting `levels` levels of objects and arrays, the outer object counted. */
function nested(levels: number, inner: 'object' | 'array'): { d: JsonValue } {
  let value: JsonValue = inner === 'object' ? {} : [];
  for (let level = 2; level < levels; level++) value = inner === 'object' ? { a: value } : [value];
  return { d: value };
}

// Within 8 KiB, data nested thousands deep broke the memory store's copy (STORE_ERROR) and Redis's stats (Lua's cjson stops at 1,000).
for (const { name, up, open } of stores) {
  describe.skipIf(!up)(`${name}: session data is at most ${STORE_LIMITS.dataDepth} levels deep`, () => {
    it('data at the bound signs in, reads back whole and is counted by stats()', async () => {
      const store = await open();
      const sessions = createSessionManager({ store });
      const data = nested(STORE_LIMITS.dataDepth, 'object');
      const before = await store.stats?.(Date.now());
      const { token } = await sessions.create({ userId: `deep-${run}`, kind: 'api', data });
      const result = await sessions.validate(token, { bearer: true });
      expect(result.ok && result.session.data).toEqual(data);
      if (before !== undefined) expect(((await store.stats!(Date.now()))['api']?.live ?? 0) - (before['api']?.live ?? 0)).toBe(1);
    });

    it('one level more, or thousands within 8 KiB, is INVALID_INPUT and nothing is stored', async () => {
      const sessions = createSessionManager({ store: await open() });
      const userId = `deeper-${run}`;
      for (const data of [nested(STORE_LIMITS.dataDepth + 1, 'object'), nested(STORE_LIMITS.dataDepth + 1, 'array'), nested(1_100, 'object'), nested(3_900, 'array')]) {
        expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThan(STORE_LIMITS.dataBytes);
        await expect(sessions.create({ userId, data })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('32 levels') });
      }
      expect(await sessions.list(userId)).toEqual([]);
    });
  });
}

describe('text no store keeps, at any depth of session data', () => {
  it('U+0000 or a lone surrogate in a value, an array or a key, however deep within the bound: INVALID_INPUT', async () => {
    const sessions = createSessionManager();
    for (const data of [{ a: { b: ['x', 'y\u0000'] } }, { a: [{ ['k\ud800']: 1 }] }, { d: [[[['\udc00']]]] }]) {
      await expect(sessions.create({ userId: 'text', data: data as never })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'data must not hold U+0000 or unpaired surrogates.' });
    }
  });
});
