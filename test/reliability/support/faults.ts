import { randomBytes } from 'node:crypto';
import type { SessionManager } from '../../../src/index.js';
import type { RunningApp } from './apps.js';
import { check, History, type SessionEntry, type Violation, type Window } from './history.js';
import { cookieSet, send } from './http.js';
import { DEVICES, runLoad } from './workload.js';

/** One way of taking the store away, and of bringing it back. */
export interface Fault {
  readonly name: string;
  /** How long the store stays away, under load. */
  readonly outageMs: number;
  /** Takes the store away; resolves once it cannot answer any more. */
  break(): Promise<void>;
  /** Brings it back; resolves once the server is up again (clients reconnect by themselves). */
  heal(): Promise<void>;
}

/** What happened around one fault. */
export interface FaultOutcome {
  readonly name: string;
  /** The store was being taken away or was away: 503 allowed for requests overlapping it. */
  readonly outage: Window;
  /** The store could not answer at all: no request wholly inside it may succeed. */
  readonly down: Window;
  /** From the start of `heal()` until every instance accepted a valid session again (ms). */
  readonly recoveryMs: number;
  /** Requests answered 503 during the outage (proof the fault was felt). */
  readonly unavailable: number;
  /** The slowest 503 (ms): an outage must be answered within the store's deadline, never hang. */
  readonly slowest503: number;
}

export interface FaultRunResult {
  readonly history: History;
  readonly faults: readonly FaultOutcome[];
  readonly violations: readonly Violation[];
  /** Sessions the store had acknowledged (sign-in answered 200) that it no longer holds. */
  readonly lost: readonly string[];
}

/** The managers' `epochCacheTtl` (the default): how old the revocation state behind an access token may be. */
export const EPOCH_CACHE_TTL = 1_000;

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Signs in one session per instance outside the load's users: nobody ever revokes these. */
async function sentinels(apps: readonly RunningApp[], history: History, prefix: string): Promise<SessionEntry[]> {
  const entries: SessionEntry[] = [];
  for (const [instance, app] of apps.entries()) {
    const userId = `${prefix}-sentinel-${instance}`;
    const start = now();
    const reply = await send(app.port, 'POST', `/login?user=${userId}`, { accept: 'application/json', 'user-agent': DEVICES[0], origin: app.origin });
    const end = now();
    const json = reply.json as { sessionId: string; accessToken?: string };
    const token = cookieSet(reply, 'session');
    if (reply.status !== 200 || token === undefined) throw new Error(`Sentinel sign-in on ${app.framework} answered ${reply.status}.`);
    const entry: SessionEntry = { id: json.sessionId, token, jwt: json.accessToken, userId, device: 0, instance, start, end };
    history.addSession(entry);
    entries.push(entry);
  }
  return entries;
}

/** Presents every sentinel to every instance until all are accepted; returns when. */
async function waitUntilServed(apps: readonly RunningApp[], watch: readonly SessionEntry[], history: History, timeoutMs: number): Promise<number> {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    const statuses = await Promise.all(
      apps.flatMap((app, instance) =>
        watch.map(async (entry) => {
          const start = now();
          let status = 0;
          let error: string | undefined;
          try {
            const reply = await send(app.port, 'GET', '/api/me', { accept: 'application/json', cookie: `session=${entry.token}` }, 5_000);
            status = reply.status;
            error = (reply.json as { error?: string } | undefined)?.error;
          } catch (caught) {
            error = caught instanceof Error ? caught.message : String(caught);
          }
          const end = now();
          history.requests.push({ what: 'GET /api/me (sentinel)', instance, start, end, status, expected: [200], error });
          history.reads.push({ sessionId: entry.id, via: 'cookie', instance, start, end, status, error, what: 'read', accepted: true });
          return status;
        }),
      ),
    );
    if (statuses.every((status) => status === 200)) return now();
    await sleep(50);
  }
  throw new Error(`The apps did not serve valid sessions again within ${timeoutMs} ms of the store coming back.`);
}

/**
 * Load on `apps` (three frameworks over one store) while each fault in turn takes the store
 * away and brings it back; then every session a client ever got is presented once more to
 * every instance and looked up in the store. The checker then holds the whole run to the
 * promises: 503 only while the store was away (and never a hang), never a 200 for a request
 * the store could not have checked, valid sessions accepted again once it is back, and
 * nothing the store acknowledged lost (a lost session is refused, a lost revocation lets a
 * revoked session in: both are violations).
 */
export async function runFaults(
  apps: readonly RunningApp[],
  managers: readonly SessionManager[],
  faults: readonly Fault[],
  options: { readonly clients: number; readonly warmupMs: number; readonly recoveryTimeoutMs: number; readonly settleMs: number; readonly requestTimeoutMs?: number },
): Promise<FaultRunResult> {
  const history = new History();
  const prefix = `faults-${randomBytes(3).toString('hex')}`;
  const watch = await sentinels(apps, history, prefix);
  let done = false;
  const seed = Math.floor(Math.random() * 1_000_000);
  const load = runLoad(apps, history, { clients: options.clients, durationMs: 10 * 60_000, users: 12, userPrefix: prefix, seed, requestTimeoutMs: options.requestTimeoutMs ?? 5_000, stop: () => done });
  const outcomes: Array<Omit<FaultOutcome, 'unavailable' | 'slowest503'>> = [];
  try {
    await sleep(options.warmupMs);
    for (const fault of faults) {
      const broken = now();
      await fault.break();
      const dead = now();
      await sleep(fault.outageMs);
      const healing = now();
      await fault.heal();
      const served = await waitUntilServed(apps, watch, history, options.recoveryTimeoutMs);
      // A request that picked a connection broken by the outage may still fail just after.
      outcomes.push({ name: fault.name, outage: { start: broken, end: served + 1_000 }, down: { start: dead, end: healing }, recoveryMs: served - healing });
      await sleep(options.settleMs);
    }
  } finally {
    done = true;
    await load;
  }

  // Every session ever handed out, once more on every instance, both ways: the checker knows
  // which must be accepted and which refused.
  const sweepStart = now();
  for (const entry of history.sessions.values()) {
    await Promise.all(
      apps.flatMap((app, instance) =>
        (['cookie', 'bearer'] as const).map(async (via) => {
          if (via === 'bearer' && entry.jwt === undefined) return;
          const headers: Record<string, string> = { accept: 'application/json' };
          if (via === 'cookie') headers['cookie'] = `session=${entry.token}`;
          else headers['authorization'] = `Bearer ${entry.jwt}`;
          const start = now();
          let status = 0;
          let json: { error?: string; sessionId?: unknown; userId?: unknown } | undefined;
          let error: string | undefined;
          try {
            const reply = await send(app.port, 'GET', '/api/me', headers, 5_000);
            status = reply.status;
            json = reply.json as typeof json;
          } catch (caught) {
            error = caught instanceof Error ? caught.message : String(caught);
          }
          const end = now();
          history.requests.push({ what: 'GET /api/me (final sweep)', instance, start, end, status, expected: [200, 401], error });
          history.reads.push({ sessionId: entry.id, via, instance, start, end, status, error: json?.error ?? error, answered: status === 200 ? (json ?? {}) : undefined, what: 'read', accepted: true });
        }),
      ),
    );
  }
  const lost: string[] = [];
  for (const entry of history.sessions.values()) {
    if ((await managers[0]!.store.get(entry.id)) === null) lost.push(entry.id);
  }

  const violations = check(history, {
    // The sweep ran long after every revocation: no propagation window is needed there, and
    // during the run the pub/sub connections were themselves cut, so the window is the cache TTL.
    bearerGraceOtherInstance: EPOCH_CACHE_TTL,
    bearerStateTtl: EPOCH_CACHE_TTL,
    outages: outcomes.map((outcome) => outcome.outage),
    down: outcomes.map((outcome) => outcome.down),
  });
  const faultsOut: FaultOutcome[] = outcomes.map((outcome) => {
    const failed = history.requests.filter((request) => request.status === 503 && request.start <= outcome.outage.end && request.end >= outcome.outage.start && request.end < sweepStart);
    return { ...outcome, unavailable: failed.length, slowest503: Math.max(0, ...failed.map((request) => request.end - request.start)) };
  });
  return { history, faults: faultsOut, violations, lost };
}
