import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { applyIpPolicy } from '../../src/ip-policy.js';

describe('the IP policy', () => {
  it.each([
    ['203.0.113.7', '203.0.113.0'],
    ['::ffff:198.51.100.4', '198.51.100.0'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd::'],
    ['2001:0DB8:ABCD:0012:0000:0000:0000:0001', '2001:db8:abcd::'],
    ['2001:db8::', '2001:db8:0::'],
    ['::1', '0:0:0::'],
    ['::', '0:0:0::'],
    ['fe80::1%eth0', 'fe80:0:0::'],
    ['64:ff9b::1.2.3.4', '64:ff9b:0::'],
    // 6to4: 2002:cb00:714d:: is the host 203.0.113.77; kept as its /24, 203.0.113.0.
    ['2002:cb00:714d:1:2:3:4:5', '2002:cb00:7100::'],
    ['2002:c000:2ff::1', '2002:c000:200::'],
  ])('"truncate" keeps the network of %s: %s', (ip, kept) => {
    expect(applyIpPolicy(ip, 'truncate')).toBe(kept);
  });

  it('"truncate" drops what is not an address; "none" drops everything; "full" keeps it as given', () => {
    for (const text of ['nonsense', '1.2.3', '256.1.1.1', '2001:db8::g', '']) expect(applyIpPolicy(text, 'truncate')).toBeUndefined();
    expect(applyIpPolicy('203.0.113.7', 'none')).toBeUndefined();
    expect(applyIpPolicy('203.0.113.7', 'full')).toBe('203.0.113.7');
    expect(applyIpPolicy(undefined, 'full')).toBeUndefined();
  });

  it('is applied before anything is stored, and refused when unknown', async () => {
    const truncating = createSessionManager({ ipPolicy: 'truncate' });
    const { session } = await truncating.create({ userId: 'u', ip: '203.0.113.77' });
    expect(session.ip).toBe('203.0.113.0');
    expect((await truncating.store.get(session.id))?.session.ip).toBe('203.0.113.0');
    expect((await truncating.list('u'))[0]?.ip).toBe('203.0.113.0');
    const blind = createSessionManager({ ipPolicy: 'none' });
    expect((await blind.create({ userId: 'u', ip: '203.0.113.77' })).session.ip).toBeUndefined();
    expect((await createSessionManager().create({ userId: 'u', ip: '203.0.113.77' })).session.ip).toBe('203.0.113.77');
    expect(() => createSessionManager({ ipPolicy: 'hash' as never })).toThrow(/ipPolicy/);
  });
});
