import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { matchSecret, newRotationSalt, RECOGNISED_ROTATIONS, retiredAfterRotation, rotates, rotationDue, successorSecret } from '../../src/rotation/index.js';
import { sameHash } from '../../src/token.js';
import type { RotationFields } from '../../src/rotation/index.js';
import { hashSecret, mintToken, parseToken } from '../../src/token.js';

const policy = { rotateAfter: 10_000, rotationGrace: 2_000 };

describe('rotates', () => {
  it('is true for a kind whose rotateAfter is above 0, and false for 0 or a kind without settings', () => {
    expect(rotates(policy)).toBe(true);
    expect(rotates({ rotateAfter: 1, rotationGrace: 0 })).toBe(true);
    expect(rotates({ rotateAfter: 0, rotationGrace: 60_000 })).toBe(false);
    expect(rotates(undefined)).toBe(false);
  });
});

describe('rotationDue', () => {
  it('is due once rotateAfter has passed since the sign-in, then since the last rotation', () => {
    expect(rotationDue({ createdAt: 1_000 }, policy, 10_999)).toBe(false);
    expect(rotationDue({ createdAt: 1_000 }, policy, 11_000)).toBe(true);
    expect(rotationDue({ createdAt: 1_000, rotatedAt: 11_000 }, policy, 20_999)).toBe(false);
    expect(rotationDue({ createdAt: 1_000, rotatedAt: 11_000 }, policy, 21_000)).toBe(true);
  });

  it('never for a kind without rotation', () => {
    expect(rotationDue({ createdAt: 0 }, undefined, 1e15)).toBe(false);
    expect(rotationDue({ createdAt: 0 }, { rotateAfter: 0, rotationGrace: 60_000 }, 1e15)).toBe(false);
  });
});

// A digest as `retiredSecretHashes` keeps it.
const text = (digest: Uint8Array) => Buffer.from(digest).toString('base64url');

// A session rotated `rotations` times, one per second from 1,000, as the manager does it, and its secrets, the minted one first.
const chain = (rotations: number) => {
  const { id, secret } = parseToken(mintToken().token)!;
  const secrets = [secret];
  let row: RotationFields & { rotatedAt?: number } = { id, createdAt: 0, secretHash: hashSecret(secret) };
  for (let rotation = 1; rotation <= rotations; rotation += 1) {
    const salt = newRotationSalt();
    secrets.push(successorSecret(secrets.at(-1)!, id, rotation * 1_000, salt));
    row = { ...row, secretHash: hashSecret(secrets.at(-1)!), previousSecretHash: row.secretHash, retiredSecretHashes: retiredAfterRotation(row), rotatedAt: rotation * 1_000, rotationSalt: salt };
  }
  return { secrets, row };
};

describe('matchSecret', () => {
  // Made inside each test: a throw here fails that test rather than the file's collection.
  const rotatedRow = () => {
    const { id, secret } = parseToken(mintToken().token)!;
    const successor = successorSecret(secret, id, 5_000, 'salt');
    return { id, secret, successor, rotated: { id, createdAt: 0, secretHash: hashSecret(successor), previousSecretHash: hashSecret(secret), rotatedAt: 5_000, rotationSalt: 'salt' } };
  };

  it('tells the current secret, the previous one inside and after the grace, and a wrong one', () => {
    const { id, secret, successor, rotated } = rotatedRow();
    expect(matchSecret(secret, { id, createdAt: 0, secretHash: hashSecret(secret) }, 2_000, 9e9)).toBe('current');
    expect(matchSecret(successor, rotated, 2_000, 5_000)).toBe('current');
    expect(matchSecret(secret, rotated, 2_000, 6_999)).toBe('previous');
    expect(matchSecret(secret, rotated, 2_000, 7_000)).toBe('reused');
    expect(matchSecret('x'.repeat(43), rotated, 2_000, 5_000)).toBe('wrong');
    expect(matchSecret(secret, { id, createdAt: 0, secretHash: hashSecret(successor) }, 2_000, 5_000)).toBe('wrong');
  });

  it('tells a secret retired two or more rotations ago as reused, even inside the last rotation\'s grace', () => {
    const { secrets, row } = chain(5);
    expect(secrets.map((secret) => matchSecret(secret, row, 500, 5_000))).toEqual(['reused', 'reused', 'reused', 'reused', 'previous', 'current']);
    expect(secrets.map((secret) => matchSecret(secret, row, 500, 5_500))).toEqual(['reused', 'reused', 'reused', 'reused', 'reused', 'current']);
  });

  it(`recognises a secret up to ${RECOGNISED_ROTATIONS} rotations old, and takes an older one for a wrong one`, () => {
    const { secrets, row } = chain(RECOGNISED_ROTATIONS + 1);
    // Each digest as its 43 base64url characters, end to end.
    expect(row.retiredSecretHashes).toBe(secrets.slice(1, RECOGNISED_ROTATIONS).reverse().map((secret) => text(hashSecret(secret))).join(''));
    expect(matchSecret(secrets[1]!, row, 500, 9e9)).toBe('reused');
    expect(matchSecret(secrets[0]!, row, 500, 9e9)).toBe('wrong');
  });

  it('reads no more retired hashes than it keeps, however many a store answers', () => {
    const { secrets, row } = chain(2);
    const filler = (count: number) => text(new Uint8Array(32).fill(9)).repeat(count);
    const at = (position: number) => ({ ...row, retiredSecretHashes: filler(position) + text(hashSecret(secrets[0]!)) + filler(3) });
    expect(matchSecret(secrets[0]!, at(RECOGNISED_ROTATIONS - 2), 500, 9e9)).toBe('reused');
    expect(matchSecret(secrets[0]!, at(RECOGNISED_ROTATIONS - 1), 500, 9e9)).toBe('wrong');
  });

  it('is wrong for a secret the row never had: another session\'s, a made-up one, one whose hash is cut short in the row', () => {
    const { secrets, row } = chain(3);
    expect(matchSecret(chain(3).secrets[0]!, row, 500, 9e9)).toBe('wrong');
    expect(matchSecret(parseToken(mintToken().token)!.secret, row, 500, 9e9)).toBe('wrong');
    const cut = row.retiredSecretHashes!.slice(0, 85);
    expect([secrets[1], secrets[0]].map((secret) => matchSecret(secret!, { ...row, retiredSecretHashes: cut }, 500, 9e9))).toEqual(['reused', 'wrong']);
  });

  it('never matches a stored hash of another length', () => {
    const { id, secret } = rotatedRow();
    expect(matchSecret(secret, { id, createdAt: 0, secretHash: hashSecret(secret).subarray(0, 31) }, 0, 0)).toBe('wrong');
    expect(sameHash(new Uint8Array(0), new Uint8Array(0))).toBe(false);
  });
});

describe('retiredAfterRotation', () => {
  it('is nothing before a second rotation, then the previous hash first, then those kept', () => {
    const [a, b, c] = [text(new Uint8Array(32).fill(1)), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)];
    expect(retiredAfterRotation({})).toBeUndefined();
    expect(retiredAfterRotation({ previousSecretHash: b })).toBe(text(b));
    expect(retiredAfterRotation({ previousSecretHash: b, retiredSecretHashes: a })).toBe(text(b) + a);
    // The oldest is cut off once the row keeps as many as it recognises.
    expect(retiredAfterRotation({ previousSecretHash: c, retiredSecretHashes: a.repeat(RECOGNISED_ROTATIONS - 1) })).toBe(text(c) + a.repeat(RECOGNISED_ROTATIONS - 2));
  });
});

describe('successorSecret', () => {
  it('is the same for the same secret, session, rotation time and salt, and has the shape of a minted secret', () => {
    const { secret, id } = parseToken(mintToken().token)!;
    expect(successorSecret(secret, id, 1, 's')).toBe(successorSecret(secret, id, 1, 's'));
    expect(successorSecret(secret, id, 1, 's')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseToken(`${id}.${successorSecret(secret, id, 1, 's')}`)).toBeDefined();
  });

  it('differs for another rotation time, session, secret or salt: holding a secret does not give its successors', () => {
    const { secret, id } = parseToken(mintToken().token)!;
    const other = parseToken(mintToken().token)!;
    const all = [successorSecret(secret, id, 1, 's'), successorSecret(secret, id, 2, 's'), successorSecret(secret, other.id, 1, 's'), successorSecret(other.secret, id, 1, 's'), successorSecret(secret, id, 1, 't')];
    expect(new Set(all).size).toBe(5);
  });

  it('takes a new random salt for each rotation', () => {
    const salts = new Set(Array.from({ length: 100 }, () => newRotationSalt()));
    expect(salts.size).toBe(100);
    for (const salt of salts) expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('matchSecret on rows that lack a rotation', () => {
  const { token } = mintToken();
  const { id, secret } = parseToken(token)!;

  it('is wrong for another secret on a row never rotated', () => {
    expect(matchSecret('x'.repeat(43), { id, createdAt: 0, secretHash: hashSecret(secret) }, 2_000, 1_000)).toBe('wrong');
  });

  it('is wrong, and throws nothing, for a row with a rotation time but no previous hash', () => {
    const row = { id, createdAt: 0, secretHash: hashSecret('y'.repeat(43)), rotatedAt: 500 };
    expect(matchSecret(secret, row, 2_000, 1_000)).toBe('wrong');
  });

  it('is wrong for the previous secret on a row that keeps it without a rotation time', () => {
    const row = { id, createdAt: 0, secretHash: hashSecret('y'.repeat(43)), previousSecretHash: hashSecret(secret) };
    expect(matchSecret(secret, row, 2_000, 1_000)).toBe('wrong');
  });
});

describe('successorSecret, as documented', () => {
  it('is HMAC-SHA256 keyed by the previous secret over the label, the session id, the rotation time and the salt', () => {
    const expected = createHmac('sha256', 'previous-secret').update('session-revocation/rotation/v1\nsession-id\n5000\nsalt').digest('base64url');
    expect(successorSecret('previous-secret', 'session-id', 5_000, 'salt')).toBe(expected);
  });
});

describe('sameHash', () => {
  it('matches equal 32-byte digests only', () => {
    expect(sameHash(new Uint8Array(32).fill(7), new Uint8Array(32).fill(7))).toBe(true);
    expect(sameHash(new Uint8Array(32).fill(7), new Uint8Array(32).fill(8))).toBe(false);
  });

  it('never matches, and never throws, for bytes of another length on either side', () => {
    expect(sameHash(new Uint8Array(31), new Uint8Array(32))).toBe(false);
    expect(sameHash(new Uint8Array(32), new Uint8Array(31))).toBe(false);
    expect(sameHash(new Uint8Array(16), new Uint8Array(16))).toBe(false);
  });
});
