import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SessionError } from './errors.js';

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

/**
 * {@link secretMatches} for a hash kept as a 32-character latin1 string (the memory store's
 * rows): the presented digest stays a string and the two are compared in constant time
 * character by character (one XOR per character, no early exit), which spares the two
 * Buffer copies a `timingSafeEqual` needs (a third of a validation's cost in a tight loop).
 */
export function secretMatchesText(secret: string, storedHash: string): boolean {
  const presented = hash('sha256', secret, 'binary');
  // Stryker disable next-line ConditionalExpression: a digest is always 32 characters; the check only guards the loop
  if (presented.length !== storedHash.length) return false;
  let difference = 0;
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN on both sides, and NaN ^ NaN is 0
  for (let index = 0; index < presented.length; index++) difference |= presented.charCodeAt(index) ^ storedHash.charCodeAt(index);
  return difference === 0;
}

/** Constant-time comparison of the stored hash with the hash of the presented secret. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  // A binary-string digest and one copy: crypto.hash() with 'buffer' output costs ~3x more on Node 20.
  const presented = Buffer.from(hash('sha256', secret, 'binary') as string, 'binary');
  return storedHash.byteLength === presented.byteLength && timingSafeEqual(presented, storedHash);
}
