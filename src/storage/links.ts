import { checkFlag, checkKeyState } from '../store-answers.js';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { SessionError } from '../errors.js';
import { isObject } from '../option-checks.js';
import { parseJson } from '../parse-json.js';
import type { SessionStore } from '../store.js';
import { versioned } from './versioned.js';
import type { RevocationLinkRecord } from './types.js';

// A "This wasn't me" link is a one-time key named by its id; its value keeps the secret's hash, never the secret.

const keyOf = (id: string): string => `link:${id}`;
// How long a taken link waits for its redemption to end sessions or give it back: past it, one that died (or whose give-back failed) holds it no longer.
const TAKE_LEASE = 60_000;

/** Stores a new link; an id already taken is `INVALID_INPUT`. */
export async function saveRevocationLink(store: SessionStore, link: RevocationLinkRecord): Promise<void> {
  const key = keyOf(link.id);
  const value = JSON.stringify({ ...link, secretHash: Buffer.from(link.secretHash).toString('base64url') });
  const applied = checkFlag(await store.apply({ owner: { key }, version: 0, writes: [{ type: 'putKey', key, value, expiresAt: link.expiresAt, userId: link.userId }] }), 'apply');
  if (!applied) throw new SessionError('INVALID_INPUT', 'A revocation link with this id already exists.');
}

/** Deletes a link (one whose user was erased while it was saved); a missing one is no error. */
export async function dropRevocationLink(store: SessionStore, id: string): Promise<void> {
  checkFlag(await store.apply({ owner: { key: keyOf(id) }, writes: [{ type: 'deleteKey', key: keyOf(id) }] }), 'apply');
}

/**
 * Takes a link for `taker`: the link when id, secret and expiry match and no other taker holds it, else `null` (nothing used up).
 * It stays, marked, until it expires: the taker whose answer was lost asks again and gets it.
 */
export function consumeRevocationLink(store: SessionStore, id: string, secretHash: Uint8Array, now: number, taker: string = randomUUID(), due?: number): Promise<RevocationLinkRecord | null> {
  const free = (link: StoredLink): boolean => link.takenBy === undefined || link.takenBy === taker || (link.takenAt !== undefined && link.takenAt + TAKE_LEASE <= now);
  return marked(store, id, due, (link) => (matches(link, secretHash) && link.expiresAt > now && free(link) ? { takenBy: taker, takenAt: link.takenBy === taker ? link.takenAt : now } : null));
}

/** What `taker`'s sign-out came to, if it holds the link: `used` marks it so for good (no lease runs out on it), `failed` gives it back. */
export async function settleRevocationLink(store: SessionStore, id: string, taker: string, outcome: 'used' | 'failed', due?: number): Promise<void> {
  await marked(store, id, due, (link) => (link.takenBy !== taker ? null : outcome === 'used' ? { takenBy: taker } : {}));
}

// Reads the link and marks it as `mark` says (a taker and since when, or none): the link once the mark holds, `null` when `mark` answers null.
function marked(store: SessionStore, id: string, due: number | undefined, mark: (link: StoredLink) => Pick<StoredLink, 'takenBy' | 'takenAt'> | null): Promise<RevocationLinkRecord | null> {
  const key = keyOf(id);
  return versioned(store, { key }, 'revocationLink', due, async (apply) => {
    const state = checkKeyState(await store.readKey(key));
    if (state.value === undefined) return null;
    const link = parse(state.value);
    const next = mark(link);
    if (next === null) return null;
    const { takenBy: _, takenAt: __, ...rest } = link;
    if (next.takenBy === link.takenBy && next.takenAt === link.takenAt) return recordOf(rest);
    const value = JSON.stringify({ ...rest, ...next });
    return (await apply({ owner: { key }, version: state.version, writes: [{ type: 'putKey', key, value, expiresAt: state.expiresAt!, userId: link.userId }] })) ? recordOf(rest) : undefined;
  });
}

function matches(link: StoredLink, secretHash: Uint8Array): boolean {
  const stored = Buffer.from(link.secretHash, 'base64url');
  return stored.length === secretHash.length && timingSafeEqual(stored, secretHash);
}

const recordOf = (link: StoredLink): RevocationLinkRecord => ({ ...link, secretHash: new Uint8Array(Buffer.from(link.secretHash, 'base64url')) });

type StoredLink = Omit<RevocationLinkRecord, 'secretHash'> & { readonly secretHash: string; readonly takenBy?: string; readonly takenAt?: number };

function parse(value: string): StoredLink {
  const link = parseJson(value);
  if (isObject(link) && typeof link['secretHash'] === 'string' && typeof link['userId'] === 'string' && typeof link['sessionId'] === 'string' && typeof link['id'] === 'string') return link as unknown as StoredLink;
  throw new SessionError('STORE_ERROR', 'The session store answered readKey() with a revocation link that is not one.');
}
