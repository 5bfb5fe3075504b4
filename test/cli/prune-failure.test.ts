import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager, type SessionStore } from '../../src/index.js';
import { DAY } from '../support/clock.js';
import { dropSchemas, freshSchema, POSTGRES_URL, postgresUp } from '../support/postgres-database.js';
import { cli } from './bin.js';
import { holdingProxy, spawnCli, type HoldingProxy } from './spawned.js';

// `prune` whose store goes away after a batch was deleted: exit 1 with one line, the progress so far on stderr, and a
// prune run again at once deletes the rest. (On Redis a run cut off from the server cannot release its prune lock: it lasts the store's pruneLockTtl.)
interface Target {
  readonly name: string;
  readonly up: boolean;
  readonly port: number;
  /** A fresh namespace: the store on it, the flags naming it, the marker of a batch's request, and its removal. */
  fresh(): Promise<{ store: SessionStore; flags: (port: number) => string[]; batch: string; remove(): Promise<void> }>;
}

const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 4 });
pool.on('error', () => {});

const TARGETS: Target[] = [
  {
    name: 'PostgreSQL', up: await postgresUp(), port: 5432,
    async fresh() {
      const schema = freshSchema('cliprune');
      const store = postgresStore({ pool, schema, listen: false });
      await store.migrate();
      return { store, flags: (port) => ['--store', `postgres://postgres@127.0.0.1:${port}/test`, '--schema', schema], batch: 'session_revocation_prune_sessions', remove: () => dropSchemas(pool, [schema]) };
    },
  },
];

afterAll(async () => {
  await pool.end();
});

for (const target of TARGETS) {
  describe.skipIf(!target.up)(`${target.name}: prune whose store goes away after a batch`, () => {
    let proxy: HoldingProxy | undefined;
    let namespace: Awaited<ReturnType<Target['fresh']>>;
    beforeEach(async () => void (namespace = await target.fresh()));
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
      await namespace.store.close?.();
      await namespace.remove();
    });
    const expired = async (): Promise<number> => Object.values(await namespace.store.stats!(Date.now())).reduce((sum, kind) => sum + kind.expired, 0);

    it('exit 1 with one line after the progress so far; a prune at once deletes the rest', async () => {
      const sessions = createSessionManager({ store: namespace.store, clock: () => Date.now() - 30 * DAY - 60_000 });
      for (let index = 0; index < 6; index++) await sessions.create({ userId: `u${index}`, kind: 'api' });
      proxy = await holdingProxy(target.port);
      // The second batch's request is held, then its connection cut: armed before the run, so no batch slips past.
      let batches = 0;
      const secondBatch = proxy.arm((chunk) => chunk.includes(namespace.batch) && ++batches === 2);
      const run = spawnCli(['prune', '--batch-size', '2', ...namespace.flags(proxy.port)]);
      await secondBatch;
      await run.stderrMatches(/\(1 batch of up to 2\)\n/);
      proxy.fail();
      const ended = await run.ended;
      expect({ code: ended.code, stdout: ended.stdout }).toEqual({ code: 1, stdout: '' });
      const lines = ended.stderr.trimEnd().split('\n');
      expect(lines.slice(0, -1)).toEqual(['pruning: 2 expired sessions deleted (1 batch of up to 2)']);
      expect(lines.at(-1)).toMatch(/^session-revocation: /);
      const again = await cli(['prune', '--batch-size', '2', ...namespace.flags(target.port)]);
      expect({ again: again.code, stdout: again.stdout, left: await expired() }).toEqual({ again: 0, stdout: 'Deleted 4 expired sessions.\n', left: 0 });
    }, 40_000);
  });
}
