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

// The budget control (`control:budget`): bare plus a hook that computes for a known time, the
// framework's budget, so the report shows what exactly that much work measures as on this machine
// and load generator (server CPU per request also pays for the kernel waking the load generator,
// and that grows as a server gets slower, whatever it computes).
let spun = 0;
// Pure arithmetic: no allocation, no memory beyond registers, so it costs the same inside a
// server as in the calibration below. Never inlined differently: one function, one call site shape.
function spin(iterations) {
  let value = spun;
  for (let i = 0; i < iterations; i++) value = (value * 31 + i) | 0;
  spun = value;
}

/**
 * A function that computes for about `micros` µs of CPU time, calibrated in this process at
 * start-up: the least CPU time per iteration of five timed batches (interference only adds).
 */
export function computeFor(micros) {
  const batch = 20_000;
  const perCall = 1_000;
  for (let warm = 0; warm < batch; warm++) spin(perCall);
  let least = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    for (let call = 0; call < batch; call++) spin(perCall);
    const used = process.cpuUsage(start);
    least = Math.min(least, (used.user + used.system) / (batch * perCall));
  }
  const iterations = Math.max(1, Math.round(micros / least));
  return () => spin(iterations);
}
