import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { matchSecret, newRotationSalt, RECOGNISED_ROTATIONS, rotates, rotationDue, sameHash, successorSecret } from '../../src/rotation/index.js';
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

// A session rotated `rotations` times with `salt`, the last at 5,000, and its secrets, the first minted one first.
const chain = (rotations: number, salt = 'salt') => {
  const { id, secret } = parseToken(mintToken().token)!;
  const secrets = [secret];
  for (let step = 0; step < rotations; step += 1) secrets.push(successorSecret(secrets.at(-1)!, id, salt));
  const row = { id, createdAt: 0, secretHash: hashSecret(secrets.at(-1)!), previousSecretHash: hashSecret(secrets.at(-2)!), rotatedAt: 5_000, rotationSalt: salt };
  return { id, secrets, row };
};

describe('matchSecret', () => {
  // Made inside each test: a throw here fails that test rather than the file's collection.
  const rotatedRow = () => {
    const { id, secret } = parseToken(mintToken().token)!;
    const successor = successorSecret(secret, id, 'salt');
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
    expect(secrets.map((secret) => matchSecret(secret, row, 2_000, 5_000))).toEqual(['reused', 'reused', 'reused', 'reused', 'previous', 'current']);
    expect(secrets.map((secret) => matchSecret(secret, row, 2_000, 7_000))).toEqual(['reused', 'reused', 'reused', 'reused', 'reused', 'current']);
  });

  it(`recognises a secret up to ${RECOGNISED_ROTATIONS} rotations old, and takes an older one for a wrong one`, () => {
    const { secrets, row } = chain(RECOGNISED_ROTATIONS + 1);
    expect(matchSecret(secrets[1]!, row, 2_000, 9e9)).toBe('reused');
    expect(matchSecret(secrets[0]!, row, 2_000, 9e9)).toBe('wrong');
  });

  it('is wrong for a secret whose successors do not lead to the row: another session, another salt, a made-up one', () => {
    const { secrets, row } = chain(3);
    const other = chain(3);
    expect(matchSecret(other.secrets[0]!, row, 2_000, 9e9)).toBe('wrong');
    expect(matchSecret(secrets[0]!, { ...row, rotationSalt: 'other-salt' }, 2_000, 9e9)).toBe('wrong');
    expect(matchSecret(secrets[0]!, { ...row, id: other.id }, 2_000, 9e9)).toBe('wrong');
    expect(matchSecret(parseToken(mintToken().token)!.secret, row, 2_000, 9e9)).toBe('wrong');
  });

  it('never matches a stored hash of another length', () => {
    const { id, secret } = rotatedRow();
    expect(matchSecret(secret, { id, createdAt: 0, secretHash: hashSecret(secret).subarray(0, 31) }, 0, 0)).toBe('wrong');
    expect(sameHash(new Uint8Array(0), new Uint8Array(0))).toBe(false);
  });
});

describe('successorSecret', () => {
  it('is the same for the same secret, session and salt, and has the shape of a minted secret', () => {
    const { secret, id } = parseToken(mintToken().token)!;
    expect(successorSecret(secret, id, 's')).toBe(successorSecret(secret, id, 's'));
    expect(successorSecret(secret, id, 's')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseToken(`${id}.${successorSecret(secret, id, 's')}`)).toBeDefined();
  });

  it('differs for another session, secret or salt: holding a secret does not give its successors', () => {
    const { secret, id } = parseToken(mintToken().token)!;
    const other = parseToken(mintToken().token)!;
    const all = [successorSecret(secret, id, 's'), successorSecret(secret, other.id, 's'), successorSecret(other.secret, id, 's'), successorSecret(secret, id, 't')];
    expect(new Set(all).size).toBe(4);
  });

  it('draws a new random salt for each session', () => {
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

  it('is wrong, and throws nothing, for the previous and older secrets of a row that lacks its previous hash, rotation time or salt', () => {
    const without = (field: 'previousSecretHash' | 'rotatedAt' | 'rotationSalt', salt?: string) => {
      const { secrets, row } = chain(3, salt);
      const { [field]: _, ...rest } = row;
      return [secrets[2]!, secrets[0]!].map((presented) => matchSecret(presented, rest, 2_000, 9e9));
    };
    expect(without('previousSecretHash')).toEqual(['wrong', 'wrong']);
    expect(without('rotatedAt')).toEqual(['wrong', 'wrong']);
    // A chain drawn with the text a missing salt would read as: the row without a salt never walks it.
    expect(without('rotationSalt', 'undefined')).toEqual(['wrong', 'wrong']);
  });
});

describe('successorSecret, as documented', () => {
  it('is HMAC-SHA256 keyed by the previous secret over the label, the session id and the salt', () => {
    const expected = createHmac('sha256', 'previous-secret').update('session-revocation/rotation/v1\nsession-id\nsalt').digest('base64url');
    expect(successorSecret('previous-secret', 'session-id', 'salt')).toBe(expected);
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
