import { SessionError } from '../../../src/errors.js';
import type { Driver } from '../client.js';
import { replyCode, withTimeout } from '../errors.js';
import type { RedisDurability } from '../options.js';
import type { Script } from './script.js';

/** Runs one script with the store's timeout and error mapping; resolves with its raw reply. */
export type RunScript = (script: Script, keys: string[], args: string[]) => Promise<unknown>;

/**
 * Makes the writes a connection sent so far durable: `send` runs with `WAIT` pipelined behind
 * it (see `RedisDurability`), and too few acknowledgements reject with `STORE_UNAVAILABLE`.
 */
export interface DurableRunner {
  /** Runs a script that writes a revocation, then waits for the replicas. */
  run: RunScript;
  /** Waits for the replicas to hold what this connection wrote to `key`'s node (one round trip). */
  settle(key: string): Promise<void>;
}

/** Creates the runner for revocation writes: plain `run` when no durability is asked for. */
export function createDurableRunner(
  driver: Driver,
  plain: RunScript,
  options: { timeoutMs: number; durability: RedisDurability | undefined; isClosed: () => boolean },
): DurableRunner {
  const { durability } = options;
  if (durability === undefined) return { run: plain, settle: async () => undefined };
  const { replicas, timeout } = durability;
  // The replicas' wait comes on top of the command's own budget.
  const budget = options.timeoutMs + timeout;
  const check = (acknowledged: number): void => {
    if (acknowledged >= replicas) return;
    throw new SessionError(
      'STORE_UNAVAILABLE',
      `Only ${acknowledged} of ${replicas} Redis replicas acknowledged the revocation within ${timeout} ms: it might not survive a failover, so it is not reported as done. Try again.`,
    );
  };
  const closedError = (): Promise<never> => Promise.reject(new SessionError('CLOSED', 'The Redis session store was closed.'));
  const evaluate = async (script: Script, keys: string[], args: string[]): Promise<unknown> => {
    const routing = keys[0]!;
    const command = [script.evalsha, script.sha, String(keys.length), ...keys, ...args];
    let result: { reply: unknown; acknowledged: number };
    try {
      result = await driver.sendAndWait(routing, command, replicas, timeout);
    } catch (error) {
      // A new primary after a failover has no scripts cached: run the source, WAIT again.
      if (replyCode(error) !== 'NOSCRIPT') throw error;
      command[0] = script.eval;
      command[1] = script.source;
      result = await driver.sendAndWait(routing, command, replicas, timeout);
    }
    check(result.acknowledged);
    return result.reply;
  };
  return {
    run: (script, keys, args) => (options.isClosed() ? closedError() : withTimeout(evaluate(script, keys, args), budget)),
    settle: (key) => {
      if (options.isClosed()) return closedError();
      // A read of the key only routes the WAIT to its node; what WAIT counts is the connection's writes.
      return withTimeout(
        driver.sendAndWait(key, ['PEXPIRETIME', key], replicas, timeout).then((result) => check(result.acknowledged)),
        budget,
      );
    },
  };
}

/**
 * Calls scripts by EVALSHA, so each call sends 40 hex digits instead of the script. A server
 * that does not know a script yet (first call since it started, or after SCRIPT FLUSH)
 * answers NOSCRIPT; EVAL then runs it and caches it there, so every server loads each script
 * once, on first use, with no separate SCRIPT LOAD round to every cluster node.
 */
export function createScriptRunner(driver: Driver, timeoutMs: number, isClosed: () => boolean): RunScript {
  const evaluate = (script: Script, keys: string[], args: string[]): Promise<unknown> => {
    const routing = keys[0]!;
    const command = [script.evalsha, script.sha, String(keys.length), ...keys, ...args];
    return driver.send(routing, command).catch((error: unknown) => {
      if (replyCode(error) !== 'NOSCRIPT') throw error;
      command[0] = script.eval;
      command[1] = script.source;
      return driver.send(routing, command);
    });
  };
  return (script, keys, args) => {
    if (isClosed()) return Promise.reject(new SessionError('CLOSED', 'The Redis session store was closed.'));
    return withTimeout(evaluate(script, keys, args), timeoutMs);
  };
}
