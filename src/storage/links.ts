import { checkFlag } from '../store-answers.js';
import { timingSafeEqual } from 'node:crypto';
import { SessionError } from '../errors.js';
import type { SessionStore } from '../store.js';
import { takeKey } from './keys.js';
import type { RevocationLinkRecord } from './types.js';

// A "This wasn't me" link is a one-time key named by its id; its value keeps the secret's hash, never the secret.

const keyOf = (id: string): string => `link:${id}`;

/** Stores a new link; an id already taken is `INVALID_INPUT`. */
export async function saveRevocationLink(store: SessionStore, link: RevocationLinkRecord): Promise<void> {
  const key = keyOf(link.id);
  const value = JSON.stringify({ ...link, secretHash: Buffer.from(link.secretHash).toString('base64url') });
  const applied = checkFlag(await store.apply({ owner: { key }, version: 0, writes: [{ type: 'putKey', key, value, expiresAt: link.expiresAt, userId: link.userId }] }), 'apply');
  if (!applied) throw new SessionError('INVALID_INPUT', 'A revocation link with this id already exists.');
}

/** Uses a link once: the link when id, secret and expiry match, else `null` (and nothing used up). */
export async function consumeRevocationLink(store: SessionStore, id: string, secretHash: Uint8Array, now: number, due?: number): Promise<RevocationLinkRecord | null> {
  const matches = (value: string): boolean => {
    const stored = Buffer.from(parse(value).secretHash, 'base64url');
    return stored.length === secretHash.length && timingSafeEqual(stored, secretHash);
  };
  const value = await takeKey(store, keyOf(id), now, matches, due);
  if (value === null) return null;
  const link = parse(value);
  return { ...link, secretHash: new Uint8Array(Buffer.from(link.secretHash, 'base64url')) };
}

type StoredLink = Omit<RevocationLinkRecord, 'secretHash'> & { readonly secretHash: string };

function parse(value: string): StoredLink {
  try {
    const link = JSON.parse(value) as StoredLink;
    if (typeof link.secretHash === 'string' && typeof link.userId === 'string' && typeof link.sessionId === 'string' && typeof link.id === 'string') return link;
  } catch {
    // Falls through to the error below.
  }
  throw new SessionError('STORE_ERROR', 'The session store answered readKey() with a revocation link that is not one.');
}
