/**
 * Rotation with reuse detection, as pure rules: when a session's secret is due for rotation,
 * which secret a presented token matches, and the successor of a secret. The store keeps only
 * hashes; the manager reads, decides here, and writes one versioned batch (`src/storage/rotate.ts`).
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionRecord } from '../store-records.js';
import { hashSecret } from '../token.js';

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
export type RotationFields = Pick<SessionRecord, 'id' | 'createdAt' | 'secretHash' | 'previousSecretHash' | 'rotatedAt' | 'rotationSalt'>;

/**
 * Which secret a presented one is: the `current`; the `previous` inside the grace after the
 * rotation that retired it; the previous one after the grace, or one retired earlier
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
 * How many rotations old a retired secret may be and still be recognised as one (`reused`).
 * An older one is `wrong`. The bound caps the work a wrong secret for a known id costs.
 */
export const RECOGNISED_ROTATIONS = 64;

/** Matches a presented secret against a row's hashes in constant time (per hash). */
export function matchSecret(secret: string, record: RotationFields, rotationGrace: number, now: number): SecretMatch {
  const presented = hashSecret(secret);
  if (sameHash(presented, record.secretHash)) return 'current';
  const { previousSecretHash, rotatedAt, rotationSalt } = record;
  if (previousSecretHash === undefined || rotatedAt === undefined || rotationSalt === undefined) return 'wrong';
  if (sameHash(presented, previousSecretHash)) return now < rotatedAt + rotationGrace ? 'previous' : 'reused';
  // Retired two or more rotations ago: its successors lead to the previous secret. Only a
  // secret this session once had does; the salt never leaves the store.
  let successor = secret;
  for (let step = 2; step <= RECOGNISED_ROTATIONS; step += 1) {
    successor = successorSecret(successor, record.id, rotationSalt);
    if (sameHash(hashSecret(successor), previousSecretHash)) return 'reused';
  }
  return 'wrong';
}

// The label keeps this HMAC apart from any other use of a secret.
const LABEL = 'session-revocation/rotation/v1';

/** A session's rotation salt, drawn at its first rotation and kept for the next: 16 random bytes, base64url. */
export function newRotationSalt(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The secret that succeeds `previous` in a session's rotations with `salt`: HMAC-SHA256 keyed
 * by the previous secret over a label, the session id and the salt, base64url (43 characters,
 * the shape of a minted secret). Every presentation of the previous secret gets the same
 * successor from what the row keeps, and the successor is never stored. The random salt, kept
 * only in the row, is why a retired secret is not enough to compute its successor; and the
 * chain is why a secret retired rotations ago is still known for what it is.
 */
export function successorSecret(previous: string, sessionId: string, salt: string): string {
  return createHmac('sha256', previous).update(`${LABEL}\n${sessionId}\n${salt}`).digest('base64url');
}

/** Whether two SHA-256 digests are equal, in constant time; another length never matches. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === 32 && b.byteLength === 32 && timingSafeEqual(a, b);
}
