import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SessionError } from './errors.js';
import { sha256ShortText } from './sha256.js';

/** Bytes of randomness in a session id (128 bits). */
const ID_BYTES = 16;
/** Bytes of randomness in a session secret (256 bits). */
const SECRET_BYTES = 32;
/** base64url length of 16 and 32 bytes without padding. */
const ID_LENGTH = 22;
const SECRET_LENGTH = 43;
/** `<id>.<secret>` */
export const TOKEN_LENGTH = ID_LENGTH + 1 + SECRET_LENGTH;

// One anchored regular expression decides the shape before any hashing or store call: it stops
// at the first character out of place, so junk of any size is refused at once.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;
const ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** A freshly minted token and the parts the store may keep. */
export interface MintedToken {
  readonly token: string;
  readonly id: string;
  readonly secretHash: Uint8Array;
}

const PREFIX_SHAPE = /^[A-Za-z0-9_-]{0,4}$/;

/**
 * Mints `<id>.<secret>` from node:crypto; only the id and SHA-256(secret) leave this function
 * besides the token. A store's routing `prefix` (at most 4 base64url characters) replaces the
 * first characters of the id; the other 18 or more stay random (>= 108 bits), and the secret
 * always carries 256 bits.
 */
export function mintToken(prefix = ''): MintedToken {
  if (!PREFIX_SHAPE.test(prefix)) throw new SessionError('STORE_ERROR', 'A store returned a session id prefix that is not 0-4 base64url characters.');
  const id = prefix + randomBytes(ID_BYTES).toString('base64url').slice(prefix.length);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { token: `${id}.${secret}`, id, secretHash: hashSecret(secret) };
}

/** The parts of a token that passed the shape check. */
export interface ParsedToken {
  readonly id: string;
  readonly secret: string;
}

/** Splits a token, or returns undefined for anything that is not exactly the minted shape. */
export function parseToken(token: unknown): ParsedToken | undefined {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return undefined;
  return { id: token.slice(0, ID_LENGTH), secret: token.slice(ID_LENGTH + 1) };
}

/** Whether `value` has the shape of a session id (used for ids in routes). */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPE.test(value);
}

/** SHA-256 of the secret's text. */
export function hashSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer') as unknown as Buffer;
}

/** Bytes of a SHA-256 digest. */
const DIGEST_BYTES = 32;
const NOT_LATIN1 = /[^\u0000-\u00ff]/;

/**
 * {@link secretMatches} for a hash kept as a 32-character latin1 string (the memory store's
 * rows): the digest's words are compared with the stored characters in constant time (one XOR
 * per word, no early exit), with no digest string or Buffer made per request.
 */
export function secretMatchesText(secret: string, storedHash: string): boolean {
  if (storedHash.length !== DIGEST_BYTES) return false;
  const words = sha256ShortText(secret);
  // Stryker disable next-line ConditionalExpression: that path gives every secret the same answer, only slower
  if (words === undefined) return matchesTextByBytes(secret, storedHash);
  let difference = 0;
  // Every character's code, or-ed: above 0xff, one is no latin1 byte and the text is no digest.
  let codes = 0;
  // Stryker disable next-line EqualityOperator: a ninth step reads past both ends (undefined and NaN), which xor to 0
  for (let word = 0; word < 8; word++) {
    const at = word * 4;
    const first = storedHash.charCodeAt(at);
    const second = storedHash.charCodeAt(at + 1);
    const third = storedHash.charCodeAt(at + 2);
    const fourth = storedHash.charCodeAt(at + 3);
    codes |= first | second | third | fourth;
    difference |= words[word]! ^ ((first << 24) | (second << 16) | (third << 8) | fourth);
  }
  return difference === 0 && codes <= 0xff;
}

// Only a secret that is no token's (too long, or not ASCII) is compared this way; a kept text with
// a character above 0xff is no digest here either (latin1 would drop its high bits).
function matchesTextByBytes(secret: string, storedHash: string): boolean {
  return !NOT_LATIN1.test(storedHash) && secretMatches(secret, Buffer.from(storedHash, 'latin1'));
}

// The presented digest of secretMatches(), rewritten by each call (calls never overlap).
const presented = Buffer.alloc(DIGEST_BYTES);

/** Constant-time comparison of the stored hash with the hash of the presented secret. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  if (storedHash.byteLength !== DIGEST_BYTES) return false;
  const words = sha256ShortText(secret);
  // Stryker disable next-line ConditionalExpression: node:crypto gives every secret the same digest, only slower
  if (words === undefined) return timingSafeEqual(hash('sha256', secret, 'buffer') as unknown as Buffer, storedHash);
  for (let word = 0; word < 8; word++) presented.writeInt32BE(words[word]!, word * 4);
  return timingSafeEqual(presented, storedHash);
}
