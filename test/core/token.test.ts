import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSessionError } from '../../src/errors.js';
import { hashSecret, isSessionId, mintToken, parseToken, sameHash, TOKEN_LENGTH } from '../../src/token.js';

const ID = 'AbCdEfGhIjKlMnOpQrSt-_';
const SECRET = '0123456789abcdefghijklmnopqrstuvwxyzABCD-_0';
const sha256 = (text: string) => createHash('sha256').update(text).digest();

describe('session tokens', () => {
  it('mints <22-character id>.<43-character secret> in base64url, and keeps only the hash of the secret', () => {
    const minted = mintToken();
    expect(TOKEN_LENGTH).toBe(66);
    expect(minted.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(minted.id).toBe(minted.token.slice(0, 22));
    const secret = minted.token.slice(23);
    expect(Buffer.from(minted.secretHash).equals(sha256(secret))).toBe(true);
    expect(parseToken(minted.token)).toEqual({ id: minted.id, secret });
  });

  it('mints a new id and secret every time', () => {
    const tokens = Array.from({ length: 50 }, () => mintToken());
    expect(new Set(tokens.map((minted) => minted.id)).size).toBe(50);
    expect(new Set(tokens.map((minted) => minted.token.slice(23))).size).toBe(50);
  });

  it('puts a store routing prefix of up to 4 characters at the start of the id, keeping its length', () => {
    for (const prefix of ['', 'a', 'Z9', 'a-_', 'AZ09']) {
      const minted = mintToken(prefix);
      expect(minted.id.startsWith(prefix)).toBe(true);
      expect(minted.id).toHaveLength(22);
      expect(isSessionId(minted.id)).toBe(true);
      expect(parseToken(minted.token)?.id).toBe(minted.id);
    }
    const ids = new Set(Array.from({ length: 20 }, () => mintToken('AZ09').id));
    expect(ids.size).toBe(20);
  });

  it.each([['abcde'], ['a.b'], ['a b'], ['ab/'], ['é'], ['a\n']])('refuses the store prefix %j as a store error', (prefix) => {
    let thrown: unknown;
    try {
      mintToken(prefix);
    } catch (error) {
      thrown = error;
    }
    expect(isSessionError(thrown) && thrown.code).toBe('STORE_ERROR');
    expect((thrown as Error).message).toMatch(/prefix that is not 0-4 base64url characters/);
  });

  it('parses exactly the minted shape', () => {
    expect(parseToken(`${ID}.${SECRET}`)).toEqual({ id: ID, secret: SECRET });
  });

  it.each([
    ['one character short', `${ID}.${SECRET.slice(0, 42)}`],
    ["one character long", `${ID}.${SECRET}A`],
    ['the dot moved', `${ID.slice(0, 21)}.${ID.slice(21)}${SECRET}`],
    ['no dot', `${ID}A${SECRET}`],
    ['a padding character', `${ID}.${SECRET.slice(0, 42)}=`],
    ['a standard base64 character in the id', `+${ID.slice(1)}.${SECRET}`],
    ['a standard base64 character in the secret', `${ID}.${SECRET.slice(0, 42)}/`],
    ['a space', `${ID}.${SECRET.slice(0, 42)} `],
    ['a trailing newline in place of the last character', `${ID}.${SECRET.slice(0, 42)}\n`],
    ['a leading newline', `\n${ID.slice(1)}.${SECRET}`],
    ['a character before a well-formed token', `A${ID}.${SECRET}`],
    ['a second token after it', `${ID}.${SECRET}.${ID}.${SECRET}`],
    ['non-ASCII', `${ID.slice(0, 21)}é.${SECRET}`],
    ['empty', ''],
  ])('refuses a token with %s', (_name, token) => {
    expect(parseToken(token)).toBeUndefined();
  });

  it('takes every base64url character and no other at every position of the id and the secret', () => {
    const alphabet = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    const token = `${ID}.${SECRET}`;
    const codes = [...Array.from({ length: 256 }, (_, code) => code), 0x100, 0x2028, 0xd800, 0xff0d];
    for (let position = 0; position < TOKEN_LENGTH; position++) {
      if (position === ID.length) continue;
      for (const code of codes) {
        const char = String.fromCharCode(code);
        const changed = token.slice(0, position) + char + token.slice(position + 1);
        expect(parseToken(changed) !== undefined, `${JSON.stringify(char)} at ${position}`).toBe(alphabet.has(char));
      }
    }
  });

  it('answers undefined, never throws, for anything that is not a string', () => {
    const minted = mintToken().token;
    for (const value of [undefined, null, 42, true, [minted], { toString: () => minted }, Buffer.from(minted)]) {
      expect(parseToken(value)).toBeUndefined();
    }
  });

  it('tells a session id from anything else', () => {
    expect(isSessionId(ID)).toBe(true);
    for (const value of [ID.slice(1), `${ID}A`, `A${ID}`, `${ID}.${SECRET}`, `${ID.slice(1)}.`, `${ID.slice(1)}=`, ` ${ID.slice(1)}`, `${ID.slice(1)}\n`, '', undefined, null, 22, [ID], { toString: () => ID }]) {
      expect(isSessionId(value)).toBe(false);
    }
  });

  it('hashes a secret with SHA-256 of its text', () => {
    expect(Buffer.from(hashSecret('abc')).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashSecret(SECRET)).toHaveLength(32);
  });

  it('sameHash matches a secret\'s hash only against the hash of that exact secret', () => {
    const stored = hashSecret(SECRET);
    expect(sameHash(hashSecret(SECRET), stored)).toBe(true);
    expect(sameHash(hashSecret(SECRET), new Uint8Array(stored))).toBe(true);
    expect(sameHash(hashSecret(`${SECRET.slice(0, -1)}1`), stored)).toBe(false);
    expect(sameHash(hashSecret(''), stored)).toBe(false);
    const flipped = Buffer.from(stored);
    flipped[31] = flipped[31]! ^ 1;
    expect(sameHash(hashSecret(SECRET), flipped)).toBe(false);
  });

  it('answers "no match", never throws, for a stored hash of the wrong length', () => {
    const stored = hashSecret(SECRET);
    for (const hash of [new Uint8Array(0), stored.subarray(0, 31), Buffer.concat([stored, Buffer.from([0])]), Buffer.from(stored.toString('hex'))]) {
      expect(sameHash(hashSecret(SECRET), hash)).toBe(false);
    }
  });

  it('hashes with node:crypto: the stored hash is SHA-256 of the secret, as createHash gives it', () => {
    for (const secret of [SECRET, 'x'.repeat(200), 'mot de passe é', '\u{1F511}']) {
      const stored = createHash('sha256').update(secret).digest();
      expect(sameHash(hashSecret(secret), stored)).toBe(true);
      expect(sameHash(hashSecret(`${secret}.`), stored)).toBe(false);
    }
  });
});
