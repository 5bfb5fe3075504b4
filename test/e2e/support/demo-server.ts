import type { Demo } from '../../../examples/express-app/app.js';
import { startKeystone, type StartOptions } from '../../../examples/express-app/start.js';

export interface RunningDemo {
  readonly url: string;
  readonly demo: Demo;
  /** With `identityProvider`: the local OpenID provider's issuer URL. */
  readonly issuer: string | undefined;
  /** Every audit line the demo printed. */
  readonly log: string[];
  close(): Promise<void>;
}

/** The demo's options in tests: as `npm run demo` takes them, without the address and the log. */
export type TestDemoOptions = Omit<StartOptions, 'port' | 'host' | 'log'>;

/**
 * Starts the demo in this process on an ephemeral port of 127.0.0.1, as `npm run demo` does
 * (`identityProvider: true` for `--idp`: its OpenID provider on another port of 127.0.0.1).
 */
export async function startDemo(options: TestDemoOptions = { store: 'memory' }): Promise<RunningDemo> {
  const log: string[] = [];
  const running = await startKeystone({ ...options, port: 0, host: '127.0.0.1', log: (line) => log.push(line) });
  return { url: running.url, demo: running.demo, issuer: running.issuer, log, close: () => running.close() };
}

/** A clock the test moves forward: the demo's sessions age without waiting. */
export interface TestClock {
  readonly now: () => number;
  /** Moves the clock `ms` forward. */
  advance(ms: number): void;
}

/** Real time plus whatever the test added with `advance`. */
export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}
