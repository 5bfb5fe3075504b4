import type { SessionManager } from '../../manager/api.js';
import type { SessionStore } from '../../store.js';
import type { CompleteTestRunner } from '../runner.js';
import { Device, send, type Reply, type RequestInit } from './client.js';
import type { SwitchableStore } from './failing-store.js';
import type { TestIssuer } from './test-issuer.js';

/** The world of one scenario: a fresh manager, store and app. */
export interface Scenario {
  /** Base URL of the app under test. */
  readonly url: string;
  readonly sessions: SessionManager;
  /** Set `store.failing` to simulate an outage. */
  readonly store: SwitchableStore;
  /** The manager's global-logout policy reads this. */
  readonly policy: { globalLogout: boolean };
  /** The manager's clock (ms). */
  now(): number;
  /** Moves the manager's clock forward. */
  advance(ms: number): void;
  /** A new browser. */
  device(userAgent: string, cookieName?: string): Device;
  /** A request without any cookie. */
  request(path: string, init?: RequestInit): Promise<Reply>;
  /** The suite's identity provider, whose logout tokens the routes' `backchannelLogout` accepts. */
  readonly idp: TestIssuer;
  /**
   * Starts a second app of the wrapper under test, made by the same `makeApp` with the same
   * options, over a store of its own: a fresh memory store passed through `wrap` (as an app
   * wraps its store for tracing). Its manager and app are closed after the test.
   */
  appOver(wrap: (store: SessionStore) => SessionStore): Promise<{ readonly url: string; readonly sessions: SessionManager }>;
}

/** What each concern of the framework suite receives. */
export interface FrameworkSuiteContext {
  readonly runner: CompleteTestRunner;
  /** The scenario of the running test. */
  readonly scenario: () => Scenario;
}

/** Builds the scenario helpers over a started app. */
export function scenarioOf(
  url: string,
  sessions: SessionManager,
  store: SwitchableStore,
  policy: { globalLogout: boolean },
  clock: { now: number },
  idp: TestIssuer,
  appOver: Scenario['appOver'],
): Scenario {
  return {
    url,
    idp,
    appOver,
    sessions,
    store,
    policy,
    now: () => clock.now,
    advance: (ms) => {
      clock.now += ms;
    },
    device: (userAgent, cookieName) => new Device(url, userAgent, cookieName),
    request: (path, init) => send(url, path, init),
  };
}
