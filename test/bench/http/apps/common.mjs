// What every benchmark app shares: the user, the peers' secret, and this library's manager
// on the store a variant names (`lib:<store>`), with every default left as shipped.
import { join } from 'node:path';
import { DIST } from '../../lib/build.mjs';
import { namespace, nodeRedisClient, openStore } from '../../lib/stores.mjs';

export const USER_ID = 'bench-user';
/** Peers sign their cookies; 32+ characters for @fastify/session. */
export const PEER_SECRET = 'a-benchmark-secret-of-at-least-32-characters';
export const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;

/** The library's manager for `lib:<store>`; `close()` closes it and removes its data. */
export async function libraryFor(variant, name) {
  const kind = variant.slice('lib:'.length);
  const { createSessionManager } = await import(join(DIST, 'index.js'));
  const opened = await openStore(kind, name);
  const sessions = createSessionManager({ store: opened.store });
  return {
    sessions,
    close: async () => {
      await sessions.close();
      await opened.close();
    },
  };
}

/** A node-redis client and key prefix for a peer's Redis store. */
export async function peerRedis(name) {
  const client = await nodeRedisClient();
  return { client, prefix: namespace(name).redisPrefix, close: () => client.close() };
}

export async function dist(entry) {
  return import(join(DIST, `${entry}.js`));
}
