import { describe, expect, it, onTestFinished } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { testPool } from '../support/postgres-database.js';
import { FRAMEWORKS, startApp, type RunningApp } from './support/apps.js';
import { EPOCH_CACHE_TTL, runFaults, type Fault } from './support/faults.js';
import { record } from './support/figures.js';
import { summarise } from './support/history.js';
import { ownPostgresPossible, startOwnPostgres } from './support/processes.js';
import { postgresKit } from './support/stores.js';
import { tally } from './support/workload.js';

const canStart = await ownPostgresPossible();

const PORT = 5499;
/** The store's deadline per operation (pool wait included). */
const STATEMENT_TIMEOUT = 1_000;
const SLACK = 2_000;
// A sign-in makes up to four store calls one after another (the cookie's check, the read, the
// batch, and a read settling a batch whose answer was lost), each bounded by the timeout: none may hang.
const CALLS_PER_REQUEST = 4;

/**
 * A PostgreSQL cluster of the suite's own (fsync and synchronous_commit on): a commit it
 * acknowledged is in the write-ahead log on disk, so crash recovery after a SIGKILL of every
 * server process gives it back.
 */
describe.skipIf(!canStart)(`PostgreSQL faults under load (own cluster on 127.0.0.1:${PORT})`, () => {
  it('SIGKILL of every server process + restart, then SIGSTOP + SIGCONT: 503 while away, never a 200 unchecked, back by itself, nothing acknowledged lost', async () => {
    const server = await startOwnPostgres(PORT);
    const managers: SessionManager[] = [];
    const apps: RunningApp[] = [];
    let closeKit: (() => Promise<void>) | undefined;
    onTestFinished(async () => {
      for (const app of apps) await app.close();
      for (const manager of managers) await manager.close();
      await closeKit?.().catch(() => undefined);
      await server.stop();
    });
    const kit = await postgresKit(() => testPool({ connectionString: server.url, max: 8, connectionTimeoutMillis: STATEMENT_TIMEOUT }));
    closeKit = () => kit.close();
    for (const framework of FRAMEWORKS) {
      const manager = createSessionManager({
        store: await kit.store({ statementTimeout: STATEMENT_TIMEOUT }),
        accessTokens: { secret: 'reliability-suite-hs256-secret-0123456789' },
        epochCacheTtl: EPOCH_CACHE_TTL,
        onError: () => undefined,
      });
      managers.push(manager);
      apps.push(await startApp(framework, manager));
    }
    const faults: Fault[] = [
      { name: 'SIGKILL of the postmaster and its processes, restart with crash recovery', outageMs: 2_000, break: () => server.kill(), heal: () => server.restart() },
      { name: 'SIGSTOP of every server process, SIGCONT', outageMs: 1_500, break: async () => server.freeze(), heal: async () => server.thaw() },
    ];
    const result = await runFaults(apps, managers, faults, { clients: 30, warmupMs: 1_500, recoveryTimeoutMs: 20_000, settleMs: 1_500 });

    const counts = tally(result.history);
    const violations = [...result.violations, ...result.lost.map((id) => ({ rule: 'lost', detail: `session ${id} acknowledged at sign-in is gone from PostgreSQL` }))];
    record('faults: PostgreSQL', { requests: counts.requests, revocations: counts.revocations, faults: faults.length, violations: violations.length });
    for (const fault of result.faults) {
      console.info(`PostgreSQL ${fault.name}: ${fault.unavailable} requests answered 503 (slowest ${fault.slowest503.toFixed(0)} ms), served again ${fault.recoveryMs.toFixed(0)} ms after it came back`);
    }
    console.info(`PostgreSQL faults: ${counts.requests} requests, ${result.history.sessions.size} sessions checked after the faults, revocations ${JSON.stringify(counts.byType)}`);
    expect(violations, summarise(result.violations)).toEqual([]);
    for (const fault of result.faults) {
      expect(fault.unavailable, `${fault.name}: the outage was felt`).toBeGreaterThan(0);
      expect(fault.slowest503, `${fault.name}: a 503 comes within the statement timeout of each store call`).toBeLessThan(CALLS_PER_REQUEST * STATEMENT_TIMEOUT + SLACK);
    }
    expect(counts.revocations).toBeGreaterThan(0);
  });
});
