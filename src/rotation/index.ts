/**
 * Rotation with reuse detection, as pure rules: when a session's secret is due for rotation,
 * which secret a presented token matches, and the successor of a secret. The store keeps only
 * hashes; the manager reads, decides here, and writes one versioned batch (`src/storage/rotate.ts`).
 *
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SessionRecord } from '../store-records.js';
import { hashSecret, sameHash } from '../token.js';

/** A kind's rotation settings (ms): `rotateAfter` 0 never rotates. */
export interface RotationPolicy {
  readonly rotateAfter: number;
  readonly rotationGrace: number;
}

/** The `revokedReason` of a session ended because a retired token came back: both its tokens are refused as `reused`. */
export const TOKEN_REUSED = 'token_reused';

/** The default `rotationGrace` (ms). */
export const DEFAULT_ROTATION_GRACE = 60_000;

/** The fields of a row the rotation rules read. */
export type RotationFields = Pick<SessionRecord, 'id' | 'createdAt' | 'secretHash' | 'previousSecretHash' | 'rotatedAt' | 'rotationSalt' | 'retiredSecretHashes'>;

/**
 * Which secret a presented one is: the `current`; the `previous` inside the grace after the
 * rotation that retired it; the previous one after the grace, or one retired before it
 * (`reused`: someone kept a retired cookie); anything else is `wrong` (ids are in lists and
 * logs: never reuse).
 */
export type SecretMatch = 'current' | 'previous' | 'reused' | 'wrong';

/** Whether a kind with `policy` rotates at all: its tokens then go only in a cookie, the one way a new secret reaches its holder. */
export function rotates(policy: RotationPolicy | undefined): policy is RotationPolicy {
  return policy !== undefined && policy.rotateAfter > 0;
}

/** Whether a live row of a kind with `policy` is due for a new secret at `now`. */
export function rotationDue(record: Pick<SessionRecord, 'createdAt' | 'rotatedAt'>, policy: RotationPolicy | undefined, now: number): boolean {
  return rotates(policy) && now - (record.rotatedAt ?? record.createdAt) >= policy.rotateAfter;
}

/**
 * How many rotations old a retired secret may be and still be recognised (`reused`): the row
 * keeps the hash of the previous secret and of up to this many less one before it. An older
 * one is `wrong`.
 */
export const RECOGNISED_ROTATIONS = 32;

// A SHA-256 digest in base64url: `retiredSecretHashes` is such texts end to end, so a rotation
// adds one at the front and cuts the last off without decoding the rest.
const DIGEST_TEXT = 43;
// The most `retiredSecretHashes` holds and is read: the digests before the previous one.
const KEPT_TEXT = (RECOGNISED_ROTATIONS - 1) * DIGEST_TEXT;

/** Matches a presented secret against a row's hashes in constant time (per hash). */
export function matchSecret(secret: string, record: RotationFields, rotationGrace: number, now: number): SecretMatch {
  const presented = hashSecret(secret);
  if (sameHash(presented, record.secretHash)) return 'current';
  if (record.previousSecretHash === undefined || record.rotatedAt === undefined) return 'wrong';
  if (sameHash(presented, record.previousSecretHash)) return now < record.rotatedAt + rotationGrace ? 'previous' : 'reused';
  if (record.retiredSecretHashes === undefined) return 'wrong';
  const retired = record.retiredSecretHashes.slice(0, KEPT_TEXT);
  let found = false;
  // A part shorter than a digest decodes short, and sameHash never matches another length.
  // Stryker disable next-line EqualityOperator: one more turn reads an empty part, which matches nothing.
  for (let at = 0; at < retired.length; at += DIGEST_TEXT) found = sameHash(presented, Buffer.from(retired.slice(at, at + DIGEST_TEXT), 'base64url')) || found;
  return found ? 'reused' : 'wrong';
}

/** The `retiredSecretHashes` of a row rotated from `record`: its previous secret's hash first, then those it kept, at most the recognised number. */
export function retiredAfterRotation(record: Pick<SessionRecord, 'previousSecretHash' | 'retiredSecretHashes'>): string | undefined {
  if (record.previousSecretHash === undefined) return undefined;
  return (Buffer.from(record.previousSecretHash).toString('base64url') + (record.retiredSecretHashes ?? '')).slice(0, KEPT_TEXT);
}

// The label keeps this HMAC apart from any other use of a secret.
const LABEL = 'session-revocation/rotation/v1';

/** A new rotation's salt: 16 random bytes, base64url. */
export function newRotationSalt(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The secret that succeeds `previous` in a rotation at `rotatedAt` with `salt`: HMAC-SHA256
 * keyed by the previous secret over a label, the session id, the rotation time and the salt,
 * base64url (43 characters, the shape of a minted secret). Every presentation of the previous
 * secret gets the same successor from what the row keeps, and the successor is never stored.
 * The random salt, kept only in the row, is why a retired secret is not enough to compute its
 * successor: a rotation time alone could be guessed to the millisecond by trying.
 */
export function successorSecret(previous: string, sessionId: string, rotatedAt: number, salt: string): string {
  return createHmac('sha256', previous).update(`${LABEL}\n${sessionId}\n${rotatedAt}\n${salt}`).digest('base64url');
}
