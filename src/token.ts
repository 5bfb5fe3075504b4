import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SessionError } from './errors.js';

/** Bytes of randomness in a session id (128 bits). */
const ID_BYTES = 16;
/** Bytes of randomness in a session secret (256 bits). */
const SECRET_BYTES = 32;
// base64url lengths of 16 and 32 bytes.
const ID_LENGTH = 22;
const SECRET_LENGTH = 43;
/** `<id>.<secret>` */
export const TOKEN_LENGTH = ID_LENGTH + 1 + SECRET_LENGTH;

// Checked before any hashing or store call.
const TOKEN_CHARACTERS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const DOT = 0x2e;
const ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

const PREFIX_SHAPE = /^[A-Za-z0-9_-]{0,4}$/;

/** Mints `<id>.<secret>`; a store's routing `prefix` (at most 4 characters) leaves >= 108 random bits in the id. */
export function mintToken(prefix = '') {
  if (!PREFIX_SHAPE.test(prefix)) throw new SessionError('STORE_ERROR', 'A store returned a session id prefix that is not 0-4 base64url characters.');
  const id = prefix + randomBytes(ID_BYTES).toString('base64url').slice(prefix.length);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { token: `${id}.${secret}`, id, secretHash: storedHash(secret) };
}

/** Whether `value` has exactly the minted shape: for choosing among values without splitting them. */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && value.length === TOKEN_LENGTH && value.charCodeAt(ID_LENGTH) === DOT && TOKEN_CHARACTERS.test(value);
}

/** Splits a token, or returns undefined for anything that is not exactly the minted shape. */
export function parseToken(token: unknown) {
  if (!isTokenShaped(token)) return undefined;
  return { id: token.slice(0, ID_LENGTH), secret: token.slice(ID_LENGTH + 1) };
}

/** Whether `value` has the shape of a session id (used for ids in routes). */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPE.test(value);
}

/** SHA-256 of the secret's text. */
export function hashSecret(secret: string): Buffer {
  // One character per byte ('binary' is latin1): Node 20 answers 'buffer' several times more slowly.
  return Buffer.from(hash('sha256', secret, 'binary'), 'binary');
}

/** {@link hashSecret} in 32 bytes of their own, for a store to keep: a pooled Buffer's `.buffer` holds other data too. */
export function storedHash(secret: string): Uint8Array {
  return new Uint8Array(hashSecret(secret));
}

/** Whether two SHA-256 digests are equal, in constant time; another length never matches. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === 32 && b.byteLength === 32 && timingSafeEqual(a, b);
}
