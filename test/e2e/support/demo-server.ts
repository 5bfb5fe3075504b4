import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemo, type Demo, type DemoOptions } from '../../../examples/express-app/app.js';

export interface RunningDemo {
  readonly url: string;
  readonly demo: Demo;
  /** Every audit line the demo printed. */
  readonly log: string[];
  close(): Promise<void>;
}

/** Starts the demo in this process on an ephemeral port of 127.0.0.1. */
export async function startDemo(options: Omit<DemoOptions, 'log'> = { store: 'memory' }): Promise<RunningDemo> {
  const log: string[] = [];
  const demo = await createDemo({ ...options, log: (line) => log.push(line) });
  const server: Server = demo.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    demo,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await demo.close();
    },
  };
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
