import { describe, expect, it, onTestFinished } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { testPool } from '../support/postgres-database.js';
import { requireService } from '../support/services.js';
import { FRAMEWORKS, startApp, type RunningApp } from './support/apps.js';
import { record } from './support/figures.js';
import { check, History, summarise } from './support/history.js';
import { postgresKit, redisKit, type StoreKit } from './support/stores.js';
import { runLoad, tally } from './support/workload.js';

const redisUp = await requireService('Redis', 6379);
const postgresUp = await requireService('PostgreSQL', 5432);

/** Per framework and store. RELIABILITY_LOAD_MS overrides it (5-10 s is the intended range). */
const LOAD_MS = Number(process.env['RELIABILITY_LOAD_MS'] ?? 6_000);
const CLIENTS = 50;
const USERS = 20;
/** The documented propagation window of access tokens between instances. */
const EPOCH_CACHE_TTL = 1_000;
const SECRET = 'reliability-suite-hs256-secret-0123456789';

const stores = [
  ['Redis (node-redis and ioredis instances)', redisUp, () => redisKit(6379)],
  ['PostgreSQL', postgresUp, () => postgresKit(() => testPool({ max: 10 }))],
] as const satisfies ReadonlyArray<readonly [string, boolean, () => Promise<StoreKit>]>;

for (const [storeName, up, makeKit] of stores) {
  describe.skipIf(!up)(`revocation under load over ${storeName}`, () => {
    for (const framework of FRAMEWORKS) {
      it(`${framework}: two instances, ${CLIENTS} clients for ${LOAD_MS} ms; no revoked session accepted, no valid one refused, no 5xx`, async () => {
        const kit = await makeKit();
        const managers: SessionManager[] = [];
        const apps: RunningApp[] = [];
        onTestFinished(async () => {
          for (const app of apps) await app.close();
          for (const manager of managers) await manager.close();
          await kit.close();
        });
        for (let index = 0; index < 2; index++) {
          const manager = createSessionManager({
            store: await kit.store(),
            accessTokens: { secret: SECRET },
            epochCacheTtl: EPOCH_CACHE_TTL,
            onError: () => undefined,
          });
          managers.push(manager);
          apps.push(await startApp(framework, manager));
        }

        const history = new History();
        const seed = Math.floor(Math.random() * 1_000_000);
        await runLoad(apps, history, { clients: CLIENTS, durationMs: LOAD_MS, users: USERS, userPrefix: `load-${framework}-${seed}`, seed });

        const violations = check(history, { bearerGraceOtherInstance: EPOCH_CACHE_TTL });
        const counts = tally(history);
        record(`load ${framework} over ${storeName}`, { requests: counts.requests, revocations: counts.revocations, violations: violations.length });
        console.info(
          `load ${framework} over ${storeName} (seed ${seed}): ${counts.requests} requests, ${counts.reads} reads (${counts.refusedReads} refused), ` +
            `revocations ${JSON.stringify(counts.byType)}, violations ${violations.length}`,
        );
        expect(violations, `seed ${seed}\n${summarise(violations)}`).toEqual([]);
        // The run must have exercised what it claims to.
        expect(counts.reads).toBeGreaterThan(500);
        expect(counts.refusedReads).toBeGreaterThan(20);
        for (const type of ['sign_out', 'revoke', 'others', 'everywhere', 'replaced']) expect(counts.byType[type] ?? 0, type).toBeGreaterThan(0);
        const crossInstance = history.reads.filter((read) => {
          const session = history.sessions.get(read.sessionId);
          return read.status === 401 && session !== undefined && session.instance !== read.instance;
        });
        expect(crossInstance.length).toBeGreaterThan(0);
      });
    }
  });
}
