import { createHash } from 'node:crypto';
import { checkFlag, checkKeyState } from '../store-answers.js';
import type { SessionStore } from '../store.js';

/**
 * The name of a one-time key, `<namespace>:<43 base64url characters>`: a digest of its parts, so
 * any text (an issuer URL, a token id) makes a short key that every store can index.
 */
export function keyName(namespace: string, ...parts: readonly string[]): string {
  return `${namespace}:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`;
}

/**
 * Claims a key until `until`, holding `value`: `true` when no row of it existed and this call's batch put one; of concurrent claims exactly one
 * answers `true`. A row stays claimed, expired or not, until `prune` deletes it (so a version once answered is never reused for another row).
 */
export async function claimKey(store: SessionStore, key: string, until: number, value = '1'): Promise<boolean> {
  return checkFlag(await store.apply({ owner: { key }, version: 0, writes: [{ type: 'putKey', key, value, expiresAt: until }] }), 'apply');
}

/** A key's value, expired or not (until `prune` deletes its row); `undefined` for none. */
export const keyValue = async (store: SessionStore, key: string): Promise<string | undefined> => checkKeyState(await store.readKey(key)).value;

/** Puts a key's value until `until`, whether or not it has a row. */
export async function putKey(store: SessionStore, key: string, value: string, until: number): Promise<void> {
  checkFlag(await store.apply({ owner: { key }, writes: [{ type: 'putKey', key, value, expiresAt: until }] }), 'apply');
}
