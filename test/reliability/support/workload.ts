import { randomBytes } from 'node:crypto';
import { UA } from '../../support/clock.js';
import { History, type RevocationEntry, type SessionEntry, type Via } from './history.js';
import { cookieSet, send, type Reply } from './http.js';

/** One app instance the clients talk to. */
export interface Instance {
  readonly port: number;
  /** Sent as `Origin` on state-changing requests, as a browser on the page would. */
  readonly origin: string;
}

/** Browsers the clients sign in from: distinct browser and OS, so each is its own device. */
export const DEVICES = [UA.chromeMac, UA.firefoxWindows, UA.safariIphone] as const;

export interface LoadOptions {
  /** Concurrent clients. */
  readonly clients: number;
  /** Clients stop starting requests after this long (ms). */
  readonly durationMs: number;
  /** Users the clients act as. */
  readonly users: number;
  /** Prefix of the user ids, unique to the run. */
  readonly userPrefix: string;
  /** Seed of the clients' choices (printed with a failure, for a rerun). */
  readonly seed: number;
  /** Per-request deadline: an app that does not answer in time is a violation. @default 10_000 */
  readonly requestTimeoutMs?: number;
  /** Clients also stop when this returns true. */
  readonly stop?: () => boolean;
}

/** Deterministic choices per client. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const now = (): number => performance.now();
const SESSION_COOKIE = 'session';

/**
 * Sessions a client believes live (no acknowledged revocation covers them): what readers
 * mostly present, so most reads should succeed and every revocation is quickly exercised.
 */
class LivePool {
  readonly #list: SessionEntry[] = [];
  readonly #index = new Map<string, number>();

  get size(): number {
    return this.#list.length;
  }

  add(entry: SessionEntry): void {
    if (this.#index.has(entry.id)) return;
    this.#index.set(entry.id, this.#list.length);
    this.#list.push(entry);
  }

  remove(id: string): void {
    const at = this.#index.get(id);
    if (at === undefined) return;
    const last = this.#list.pop()!;
    this.#index.delete(id);
    if (last.id !== id) {
      this.#list[at] = last;
      this.#index.set(last.id, at);
    }
  }

  pick(random: () => number): SessionEntry | undefined {
    return this.#list[Math.floor(random() * this.#list.length)];
  }

  latest(userId: string, device: number): SessionEntry | undefined {
    let found: SessionEntry | undefined;
    for (const entry of this.#list) if (entry.userId === userId && entry.device === device && (found === undefined || entry.end > found.end)) found = entry;
    return found;
  }
}

/**
 * Runs `options.clients` clients against `instances` until the time is up: most requests read
 * GET /api/me with a session's cookie or access token (mostly sessions believed live, some
 * revoked ones), the others sign in (replacing the browser's older session, sometimes
 * presenting an old cookie), sign out, revoke a session by id (their own user's, someone
 * else's, or a random id), log out other devices and sign out everywhere. After each
 * acknowledged revocation the client at once presents a covered session to every instance,
 * by cookie and by access token. Everything goes into `history`.
 */
export async function runLoad(instances: readonly Instance[], history: History, options: LoadOptions): Promise<void> {
  const timeout = options.requestTimeoutMs ?? 10_000;
  const deadline = now() + options.durationMs;
  const stopped = (): boolean => now() >= deadline || options.stop?.() === true;
  const live = new LivePool();
  const all: SessionEntry[] = [];
  const users = Array.from({ length: options.users }, (_, index) => `${options.userPrefix}-u${index}`);

  const request = async (
    what: string,
    instance: number,
    method: string,
    path: string,
    headers: Record<string, string>,
    expected: readonly number[],
  ): Promise<{ reply: Reply | undefined; start: number; end: number; status: number; error: string | undefined }> => {
    const start = now();
    let reply: Reply | undefined;
    let error: string | undefined;
    try {
      reply = await send(instances[instance]!.port, method, path, headers, timeout);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const end = now();
    const status = reply?.status ?? 0;
    history.requests.push({ what, instance, start, end, status, expected, error });
    return { reply, start, end, status, error: error ?? errorOf(reply) };
  };

  const credential = (entry: SessionEntry, via: Via): Record<string, string> =>
    via === 'cookie' ? { cookie: `${SESSION_COOKIE}=${entry.token}` } : { authorization: `Bearer ${entry.jwt}` };

  const read = async (entry: SessionEntry, via: Via, instance: number): Promise<void> => {
    if (via === 'bearer' && entry.jwt === undefined) return;
    const { reply, start, end, status, error } = await request('GET /api/me', instance, 'GET', '/api/me', {
      accept: 'application/json',
      'user-agent': DEVICES[entry.device]!,
      ...credential(entry, via),
    }, [200, 401]);
    const answered = status === 200 ? (reply?.json as { sessionId?: unknown; userId?: unknown } | undefined) ?? {} : undefined;
    history.reads.push({ sessionId: entry.id, via, instance, start, end, status, error, answered, what: 'read', accepted: true });
  };

  // After an acknowledged revocation: the client knows what it covers; the next request with
  // a covered session goes out at once, to every instance, both ways.
  const revoked = async (revocation: RevocationEntry, random: () => number): Promise<void> => {
    history.revocations.push(revocation);
    if (!revocation.ok) return;
    const covered = history.covered(revocation);
    for (const entry of covered) live.remove(entry.id);
    if (covered.length === 0) return;
    // One covered session, presented at once: by cookie to one instance, by access token to
    // another (the other instance is where a stale cache would show).
    const probe = covered[Math.floor(random() * covered.length)]!;
    const first = Math.floor(random() * instances.length);
    await Promise.all([read(probe, 'cookie', first), read(probe, 'bearer', (first + 1) % instances.length)]);
  };

  // An action presenting `actor`'s cookie; its authentication is recorded as a read too (a 2xx
  // means the session was accepted, a 401 that it was refused).
  const act = async (what: string, actor: SessionEntry, instance: number, method: string, path: string, expected: readonly number[]) => {
    const outcome = await request(what, instance, method, path, {
      accept: 'application/json',
      'user-agent': DEVICES[actor.device]!,
      origin: instances[instance]!.origin,
      ...credential(actor, 'cookie'),
    }, expected);
    history.reads.push({ sessionId: actor.id, via: 'cookie', instance, start: outcome.start, end: outcome.end, status: outcome.status, error: outcome.error, what, accepted: true });
    return outcome;
  };

  const signIn = async (random: () => number, instance: number): Promise<void> => {
    const userId = users[Math.floor(random() * users.length)]!;
    const device = Math.floor(random() * DEVICES.length);
    const presented = random() < 0.3 ? live.latest(userId, device) : undefined;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': DEVICES[device]!, origin: instances[instance]!.origin };
    if (presented !== undefined) headers['cookie'] = `${SESSION_COOKIE}=${presented.token}`;
    // 401: overtaken by a sign-out everywhere of the user that landed while it was under way (checked against the revocations).
    const { reply, start, end, status } = await request('POST /login', instance, 'POST', `/login?user=${encodeURIComponent(userId)}`, headers, [200, 401]);
    if (status === 401) history.overtakenSignIns.push({ userId, instance, start, end });
    const json = reply?.json as { sessionId?: string; accessToken?: string } | undefined;
    const token = reply === undefined ? undefined : cookieSet(reply, SESSION_COOKIE);
    const ok = status === 200 && typeof json?.sessionId === 'string' && typeof token === 'string' && token.startsWith(json.sessionId);
    let entry: SessionEntry | undefined;
    if (ok) {
      entry = { id: json.sessionId!, token: token!, jwt: json.accessToken, userId, device, instance, start, end };
      history.addSession(entry);
      all.push(entry);
      live.add(entry);
    }
    if (presented !== undefined) {
      await revoked({ type: 'presented', instance, start, end, status, ok, userId: presented.userId, sessionId: presented.id }, random);
    }
    await revoked({ type: 'replaced', instance, start, end, status, ok, userId, keepId: entry?.id, device }, random);
  };

  const client = async (index: number): Promise<void> => {
    const random = mulberry32(options.seed * 1_000 + index);
    while (!stopped()) {
      const instance = Math.floor(random() * instances.length);
      const roll = random() * 100;
      const actor = live.pick(random);
      if (actor === undefined || live.size < options.users || roll < 7) {
        await signIn(random, instance);
      } else if (roll < 85) {
        // Mostly sessions believed live; some at random, revoked ones included.
        const entry = random() < 0.9 ? actor : (all[Math.floor(random() * all.length)] ?? actor);
        await read(entry, random() < 0.6 ? 'cookie' : 'bearer', instance);
      } else if (roll < 89) {
        const { start, end, status } = await act('POST /sessions/sign-out', actor, instance, 'POST', '/sessions/sign-out', [200, 401]);
        await revoked({ type: 'sign_out', instance, start, end, status, ok: status === 200, userId: actor.userId, sessionId: actor.id }, random);
      } else if (roll < 93) {
        const choice = random();
        const own = history.byUser.get(actor.userId) ?? [];
        const target =
          choice < 0.7
            ? (own[Math.floor(random() * own.length)]?.id ?? actor.id)
            : choice < 0.85
              ? (all[Math.floor(random() * all.length)]?.id ?? actor.id)
              : randomBytes(16).toString('base64url');
        const { start, end, status } = await act('DELETE /sessions/:id', actor, instance, 'DELETE', `/sessions/${target}`, [204, 404, 401]);
        await revoked({ type: 'revoke', instance, start, end, status, ok: status === 204, userId: actor.userId, sessionId: target }, random);
      } else if (roll < 97) {
        const { start, end, status } = await act('POST /sessions/sign-out-others', actor, instance, 'POST', '/sessions/sign-out-others', [200, 401]);
        await revoked({ type: 'others', instance, start, end, status, ok: status === 200, userId: actor.userId, keepId: actor.id }, random);
      } else {
        const { start, end, status } = await act('POST /sessions/sign-out-everywhere', actor, instance, 'POST', '/sessions/sign-out-everywhere', [204, 401]);
        await revoked({ type: 'everywhere', instance, start, end, status, ok: status === 204, userId: actor.userId }, random);
      }
    }
  };

  await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
}

function errorOf(reply: Reply | undefined): string | undefined {
  const json = reply?.json as { error?: unknown } | undefined;
  return typeof json?.error === 'string' ? json.error : undefined;
}

/** Counts of a run, for the figures and the sanity checks. */
export function tally(history: History): { requests: number; revocations: number; byType: Record<string, number>; reads: number; refusedReads: number } {
  const byType: Record<string, number> = {};
  let revocations = 0;
  for (const revocation of history.revocations) {
    if (!revocation.ok) continue;
    // A sign-in replaces something only when the browser had a session already.
    if ((revocation.type === 'replaced' || revocation.type === 'presented') && history.covered(revocation).length === 0) continue;
    revocations += 1;
    byType[revocation.type] = (byType[revocation.type] ?? 0) + 1;
  }
  const reads = history.reads.filter((read) => read.what === 'read');
  return { requests: history.requests.length, revocations, byType, reads: reads.length, refusedReads: reads.filter((read) => read.status === 401).length };
}
