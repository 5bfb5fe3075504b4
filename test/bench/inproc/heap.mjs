// Memory held per session by the memory store: `count` sessions of count/2 users (two
// devices each, so no sign-in replaces another), real User-Agents, a distinct IP each.
// Measured after full garbage collections (run with --expose-gc), against a baseline taken
// with the package loaded. heapUsed is the JS heap; external and arrayBuffers count memory
// outside it (Buffers), which a per-session Buffer would show. With `sessions-only`, the store
// is handed to the manager without its account-activity methods, so each sign-in keeps its
// session row and no activity entry or known device: the two runs tell the rows' share from
// the activity log's.
//   node --expose-gc test/bench/inproc/heap.mjs <count> [sessions-only]
import { join } from 'node:path';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { UAS } from '../lib/load.mjs';

if (typeof global.gc !== 'function') throw new Error('Run with --expose-gc.');
const count = Number(process.argv[2] ?? 1_000_000);
const sessionsOnly = process.argv[3] === 'sessions-only';
const ACTIVITY_METHODS = ['appendActivity', 'listActivity', 'listDevices', 'saveRevocationLink', 'consumeRevocationLink'];
const { createSessionManager, memoryStore } = await import(join(DIST, 'index.js'));

const settle = () => {
  for (let pass = 0; pass < 4; pass++) global.gc();
  return process.memoryUsage();
};

// Warm the code paths (and their one-time allocations) on a throwaway store first.
const scratch = createSessionManager({ store: memoryStore() });
for (let index = 0; index < 1_000; index++) await scratch.create({ userId: `warm-${index}`, userAgent: UAS[index % UAS.length] });
await scratch.close();

const before = settle();
const store = memoryStore();
const sessions = createSessionManager({
  store: sessionsOnly ? Object.fromEntries(Object.entries(store).filter(([name]) => !ACTIVITY_METHODS.includes(name))) : store,
});
const started = performance.now();
for (let index = 0; index < count; index++) {
  await sessions.create({
    userId: `user-${index >> 1}`,
    userAgent: UAS[((index >> 1) + (index & 1)) % UAS.length],
    ip: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
  });
}
const createMs = performance.now() - started;
const after = settle();
const per = (field) => (after[field] - before[field]) / count;
report({
  count,
  users: count / 2,
  activity: !sessionsOnly,
  heapUsed: per('heapUsed'),
  external: per('external'),
  arrayBuffers: per('arrayBuffers'),
  rss: per('rss'),
  createsPerSecond: count / (createMs / 1_000),
  alive: (await store.get('x'.repeat(22))) === null && sessions !== undefined,
});
