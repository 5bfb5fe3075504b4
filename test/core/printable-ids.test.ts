import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type SessionStore } from '../../src/index.js';
import { STORE_LIMITS } from '../../src/store.js';
import { UA } from '../support/clock.js';

// Ids are printable text: they name store keys and go into key values, which the store contract
// bounds to 2,048 characters, once escaped as JSON.
function heldToTheContract(): SessionStore {
  const inner = memoryStore();
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key !== 'apply') return Reflect.get(target, key, receiver);
      return async (batch: Parameters<SessionStore['apply']>[0]) => {
        for (const write of batch.writes) {
          if (write.type === 'putKey' && write.value.length > 2_048) throw new SessionError('STORE_ERROR', `a key value of ${write.value.length} characters`);
        }
        return target.apply(batch);
      };
    },
  });
}

describe('ids are printable text', () => {
  for (const [label, id] of Object.entries({ 'a newline': 'ada\nlovelace', 'a tab': 'ada\tl', 'U+0001': '\u0001', 'DEL': 'ada\u007f', "U+009B (a terminal's CSI)": 'ada\u009b2J', 'U+0085': 'ada\u0085' })) {
    it(`a user or tenant id with ${label} is refused with INVALID_INPUT, before anything is stored`, async () => {
      const sessions = createSessionManager({ store: memoryStore() });
      await expect(sessions.create({ userId: id })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(sessions.create({ userId: 'ada', tenantId: id })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(sessions.revokeAll(id)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(await sessions.list('ada')).toEqual([]);
    });
  }

  it('a reason with a control character is refused with INVALID_INPUT, and nothing is revoked; a printable one of any script is kept', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const { session } = await sessions.create({ userId: 'ada' });
    for (const reason of ['stolen\nlaptop', 'stolen\u001b[2J', 'stolen\u009b2J', 'stolen\u0085']) {
      await expect(sessions.revoke(session.id, { reason })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(sessions.revokeAll('ada', { reason })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect((await sessions.list('ada')).map((listed) => listed.id)).toEqual([session.id]);
    await sessions.revoke(session.id, { reason: 'ordinateur volé – 盗まれた' });
    expect(await sessions.list('ada')).toEqual([]);
  });

  it('the longest ids that JSON escapes most still make a "This wasn\'t me" link within the contract\'s key value size', async () => {
    const sessions = createSessionManager({ store: heldToTheContract() });
    const userId = '"'.repeat(STORE_LIMITS.idLength);
    const tenantId = '\\'.repeat(STORE_LIMITS.idLength);
    const { session } = await sessions.create({ userId, tenantId, userAgent: UA.chromeMac, ip: '203.0.113.7' });
    expect(typeof (await sessions.issueRevocationLink(session.id))).toBe('string');
  });
});
