import { describe, expect, it, onTestFinished } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { FRAMEWORKS, startApp, type RunningApp } from './support/apps.js';
import { EPOCH_CACHE_TTL, runFaults, type Fault } from './support/faults.js';
import { record } from './support/figures.js';
import { summarise } from './support/history.js';
import { ownRedisPossible, startOwnRedis } from './support/processes.js';
import { redisKit } from './support/stores.js';
import { tally } from './support/workload.js';

const canStart = await ownRedisPossible();

const PORT = 6392;
/** The store's deadline per command: an outage must be a 503 this fast, plus scheduling slack. */
const COMMAND_TIMEOUT = 500;
const SLACK = 2_000;

/**
 * Redis is started with `appendonly yes` and `appendfsync always`, so every write it
 * acknowledged is on disk before the reply: a SIGKILL and a restart must give back every
 * session and every revocation a client was told about. (Without persistence a restart empties
 * Redis, and "nothing acknowledged is lost" would be a promise Redis itself does not make.)
 */
describe.skipIf(!canStart)(`Redis faults under load (own redis-server on 127.0.0.1:${PORT}, appendfsync always)`, () => {
  it('SIGKILL + restart, then SIGSTOP + SIGCONT: 503 while away, never a 200 unchecked, back by itself, nothing acknowledged lost', async () => {
    const server = await startOwnRedis(PORT);
    const managers: SessionManager[] = [];
    const apps: RunningApp[] = [];
    let closeKit: (() => Promise<void>) | undefined;
    onTestFinished(async () => {
      for (const app of apps) await app.close();
      for (const manager of managers) await manager.close();
      await closeKit?.().catch(() => undefined);
      await server.stop();
    });
    const kit = await redisKit(PORT, { commandTimeout: COMMAND_TIMEOUT });
    closeKit = () => kit.close();
    for (const framework of FRAMEWORKS) {
      const manager = createSessionManager({
        store: await kit.store(),
        accessTokens: { secret: 'reliability-suite-hs256-secret-0123456789' },
        epochCacheTtl: EPOCH_CACHE_TTL,
        onError: () => undefined,
      });
      managers.push(manager);
      apps.push(await startApp(framework, manager));
    }
    const faults: Fault[] = [
      { name: 'SIGKILL, restart on the same append-only file', outageMs: 2_000, break: () => server.kill(), heal: () => server.restart() },
      {
        name: 'SIGSTOP (connections open, no answers), SIGCONT',
        outageMs: 1_500,
        break: async () => server.freeze(),
        heal: async () => server.thaw(),
      },
    ];
    const result = await runFaults(apps, managers, faults, { clients: 30, warmupMs: 1_500, recoveryTimeoutMs: 15_000, settleMs: 1_500 });

    const counts = tally(result.history);
    const violations = [...result.violations, ...result.lost.map((id) => ({ rule: 'lost', detail: `session ${id} acknowledged at sign-in is gone from Redis` }))];
    record('faults: Redis', { requests: counts.requests, revocations: counts.revocations, faults: faults.length, violations: violations.length });
    for (const fault of result.faults) {
      console.info(`Redis ${fault.name}: ${fault.unavailable} requests answered 503 (slowest ${fault.slowest503.toFixed(0)} ms), served again ${fault.recoveryMs.toFixed(0)} ms after it came back`);
    }
    console.info(`Redis faults: ${counts.requests} requests, ${result.history.sessions.size} sessions checked after the faults, revocations ${JSON.stringify(counts.byType)}`);
    expect(violations, summarise(result.violations)).toEqual([]);
    for (const fault of result.faults) {
      expect(fault.unavailable, `${fault.name}: the outage was felt`).toBeGreaterThan(0);
      expect(fault.slowest503, `${fault.name}: a 503 comes within the command timeout`).toBeLessThan(COMMAND_TIMEOUT + SLACK);
    }
    expect(counts.revocations).toBeGreaterThan(0);
  });
});
