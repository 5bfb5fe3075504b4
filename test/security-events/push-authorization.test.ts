import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushAuthorized } from '../../src/security-events/push-authorization.js';
import { startTransmitter, type TestTransmitter } from './support/transmitter.js';

// RFC 8935 section 2 (the push carries the Authorization agreed for the stream) and section
// 2.4 (authentication_failed when it does not).

describe('pushAuthorized()', () => {
  let tx: TestTransmitter;
  let other: TestTransmitter;
  beforeAll(async () => {
    [tx, other] = await Promise.all([startTransmitter(), startTransmitter()]);
  });
  afterAll(() => Promise.all([tx.close(), other.close()]));

  it('a SET naming a transmitter with an authorization needs exactly that value', async () => {
    const transmitters = [tx.config({ authorization: 'Bearer s3cret' }), other.config()];
    const set = await tx.sign();
    expect(pushAuthorized(set, 'Bearer s3cret', transmitters)).toBe(true);
    expect(pushAuthorized(set, undefined, transmitters)).toBe(false);
    expect(pushAuthorized(set, 'Bearer s3cre', transmitters)).toBe(false);
    expect(pushAuthorized(set, 'bearer s3cret', transmitters)).toBe(false);
  });

  it('a SET naming a transmitter without one, or no configured transmitter, is left to securityEvent()', async () => {
    const transmitters = [tx.config({ authorization: 'Bearer s3cret' }), other.config()];
    expect(pushAuthorized(await other.sign(), undefined, transmitters)).toBe(true);
    expect(pushAuthorized('not a jwt', undefined, transmitters)).toBe(true);
  });
});
