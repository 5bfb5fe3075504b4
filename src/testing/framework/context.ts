import type { SessionHttpOptions } from '../../http/options.js';
import type { CreateSessionInput, SessionManager } from '../../manager/api.js';
import type { Session } from '../../session.js';
import type { SessionStore } from '../../store.js';
import type { CompleteTestRunner } from '../runner.js';
import { AssertionError } from 'node:assert';
import { BROWSERS, Device, send, type Reply, type RequestInit } from './client.js';
import type { SwitchableStore } from './failing-store.js';
import { statusMismatch } from './status-mismatch.js';
import type { TestIssuer } from './test-issuer.js';

/** The world of one scenario: a fresh manager, store and app. */
export interface Scenario {
  /** Base URL of the app under test. */
  readonly url: string;
  readonly sessions: SessionManager;
  /** Set `store.failing` to simulate an outage. */
  readonly store: SwitchableStore;
  /** The manager's global-logout policy reads this (`'failing'`: it throws, as a settings database that is down). */
  readonly policy: { globalLogout: boolean | 'failing' };
  /** The manager's clock (ms). */
  now(): number;
  /** Moves the manager's clock forward. */
  advance(ms: number): void;
  /** A new browser. */
  device(userAgent: string, cookieName?: string): Device;
  /** A new browser (Chrome on macOS by default) signed in as `userId` through `POST /login`. */
  signedIn(userId: string, userAgent?: string): Promise<Device>;
  /** New browsers signed in as `userId` in turn, one per User-Agent. */
  signedInOn<T extends readonly string[]>(userId: string, ...userAgents: T): Promise<{ -readonly [K in keyof T]: Device }>;
  /** A new browser holding a session the manager made: for what the sign-in route does not take (a kind, a federated identity). */
  deviceWith(input: CreateSessionInput & { readonly userAgent: string }, cookieName?: string): Promise<Device>;
  /** The live session of `token`; throws when it is not live. */
  liveSession(token: string | undefined): Promise<Session>;
  /** A request without any cookie. */
  request(path: string, init?: RequestInit): Promise<Reply>;
  /** The suite's identity provider, whose logout tokens the routes' `backchannelLogout` accepts. */
  readonly idp: TestIssuer;
  /** A second app from the same `makeApp`, over a fresh memory store passed through `wrap`; closed after the test. */
  appOver(wrap: (store: SessionStore) => SessionStore): Promise<{ readonly url: string; readonly sessions: SessionManager }>;
  /** A second app from the same `makeApp`, over a fresh memory store, with these middleware options over the suite's; closed after the test. */
  appWith(middlewareOptions: Partial<SessionHttpOptions>): Promise<{ readonly url: string; readonly sessions: SessionManager }>;
}

/** What a reply must be besides its status; only the parts named are checked. */
export interface ReplyExpectation {
  /** The body parsed as JSON, deeply equal. */
  readonly json?: unknown;
  /** The text body, exactly. */
  readonly body?: string;
  /** Header values: a string is exact, a RegExp must match. */
  readonly headers?: Readonly<Record<string, string | RegExp>>;
  /** How many `Set-Cookie` headers it has. */
  readonly cookies?: number;
  /** It deletes the `session` cookie. */
  readonly clearsCookie?: true;
}

/** What each concern of the framework suite receives. */
export interface FrameworkSuiteContext extends CompleteTestRunner {
  /** The scenario of the running test. */
  readonly scenario: () => Scenario;
  /** Expects `reply` to have `status` and what `expected` names. */
  readonly expectReply: (reply: Reply, status: number, expected?: ReplyExpectation) => void;
}

/** Whether a reply deletes the session cookie `name`. */
export function clearsCookie(reply: Reply, name = 'session'): boolean {
  return reply.cookies.some((cookie) => cookie.name === name && cookie.value === '' && cookie.attributes['max-age'] === '0');
}

/** What `GET /api/me` answers each device, asked in turn: 200 while signed in, the error of a 401 (`"session_revoked"`), else the status. */
export async function meStatuses(...devices: readonly Device[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const device of devices) answers.push(await device.request('/api/me').then((reply) => (reply.status === 401 ? ((reply.json as { error?: unknown } | undefined)?.error ?? 401) : reply.status)));
  return answers;
}

/** The suite's {@link FrameworkSuiteContext.expectReply} over the runner's `expect`. */
export function replyExpectation(expect: CompleteTestRunner['expect']): FrameworkSuiteContext['expectReply'] {
  return (reply, status, expected = {}) => {
    // The runner's `expect` would say only "expected 500 to be 503": the author of the wrapper needs the request and the cause.
    if (reply.status !== status) throw new AssertionError({ message: statusMismatch(reply, status), actual: reply.status, expected: status, operator: 'strictEqual' });
    expect(reply.status).toBe(status);
    if ('json' in expected) expect(reply.json).toEqual(expected.json);
    if (expected.body !== undefined) expect(reply.body).toBe(expected.body);
    for (const [name, value] of Object.entries(expected.headers ?? {})) {
      if (typeof value === 'string') expect(reply.headers.get(name)).toBe(value);
      else expect(reply.headers.get(name)).toMatch(value);
    }
    if (expected.cookies !== undefined) expect(reply.cookies).toHaveLength(expected.cookies);
    if (expected.clearsCookie === true) expect(clearsCookie(reply)).toBe(true);
  };
}

/** Builds the scenario helpers over a started app. */
export function scenarioOf(url: string, sessions: SessionManager, store: SwitchableStore, policy: Scenario['policy'], clock: { now: number }, idp: TestIssuer, appOver: Scenario['appOver'], appWith: Scenario['appWith']): Scenario {
  const signedIn = async (userId: string, userAgent: string = BROWSERS.chromeMac) => {
    const device = new Device(url, userAgent);
    await device.signIn(userId);
    return device;
  };
  return {
    url, idp, appOver, appWith, sessions, store, policy,
    now: () => clock.now,
    advance: (ms) => void (clock.now += ms),
    device: (userAgent, cookieName) => new Device(url, userAgent, cookieName),
    signedIn,
    signedInOn: async (userId, ...userAgents) => {
      const devices: Device[] = [];
      for (const userAgent of userAgents) devices.push(await signedIn(userId, userAgent));
      return devices as never;
    },
    deviceWith: async (input, cookieName) => {
      const device = new Device(url, input.userAgent, cookieName);
      device.holdToken((await sessions.create(input)).token);
      return device;
    },
    liveSession: async (token) => {
      const validated = await sessions.validate(token);
      if (!validated.ok) throw new Error(`The session of the test device is not valid (${validated.reason}).`);
      return validated.session;
    },
    request: (path, init) => send(url, path, init),
  };
}
