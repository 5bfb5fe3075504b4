import { hash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256ShortText, SHORT_TEXT_MAX } from '../../src/sha256.js';

const hex = (words: Int32Array): string => Array.from(words, (word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
const expected = (text: string): string => hash('sha256', text, 'hex');
const digestOf = (text: string): string => {
  const words = sha256ShortText(text);
  if (words === undefined) throw new Error(`no digest for ${JSON.stringify(text)}`);
  return hex(words);
};
// Text of `length` characters drawn from `alphabet` by random bytes.
const randomText = (length: number, alphabet: string): string => Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
const ASCII = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join('');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('SHA-256 of a short ASCII text', () => {
  it('gives the FIPS 180-4 digests of "abc" and of the empty text', () => {
    expect(digestOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(digestOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it("equals node:crypto's digest for every length from 0 to 55, over every ASCII character", () => {
    expect(SHORT_TEXT_MAX).toBe(55);
    for (let length = 0; length <= SHORT_TEXT_MAX; length++) {
      for (let sample = 0; sample < 20; sample++) {
        const text = randomText(length, ASCII);
        expect(digestOf(text)).toBe(expected(text));
      }
    }
    // Each character code in every position of a block's words (4 positions).
    for (let code = 0; code < 128; code++) {
      const text = `${'a'.repeat(code % 4)}${String.fromCharCode(code).repeat(4)}`;
      expect(digestOf(text)).toBe(expected(text));
    }
  });

  it("equals node:crypto's digest for secrets of the token's shape (43 base64url characters)", () => {
    for (let sample = 0; sample < 2_000; sample++) {
      const secret = randomBytes(32).toString('base64url');
      expect(digestOf(secret)).toBe(expected(secret));
    }
    const secret = randomText(43, BASE64URL);
    expect(digestOf(secret)).toBe(expected(secret));
  });

  it('takes no text longer than one block or outside ASCII: it answers undefined, never a wrong digest', () => {
    expect(sha256ShortText('a'.repeat(56))).toBeUndefined();
    expect(sha256ShortText('a'.repeat(1_000))).toBeUndefined();
    for (const text of ['é', `${'a'.repeat(54)}\u0080`, '\u{1F600}', `\u00ff${'b'.repeat(10)}`]) expect(sha256ShortText(text)).toBeUndefined();
  });

  it('hands back one shared array that the next call overwrites', () => {
    const first = sha256ShortText('first');
    const firstHex = hex(first!);
    const second = sha256ShortText('second');
    expect(second).toBe(first);
    expect(hex(second!)).toBe(expected('second'));
    expect(firstHex).toBe(expected('first'));
  });
});
