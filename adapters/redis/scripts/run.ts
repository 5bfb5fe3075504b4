import { SessionError } from '../../../src/errors.js';
import type { DurableWriter } from '../connections.js';
import type { Driver } from '../driver.js';
import { replyCode, withTimeout } from '../errors.js';
import type { RedisDurability } from '../options.js';
import type { Script } from './script.js';

/** Runs one script with the store's timeout and error mapping; resolves with its raw reply. */
export type RunScript = (script: Script, keys: string[], args: string[]) => Promise<unknown>;

/**
 * Runs the scripts that revoke. With `durability`, they go through the store's own
 * connection (see `DurableWriter`) with `WAIT` pipelined behind them, and too few
 * acknowledgements reject with `STORE_UNAVAILABLE`.
 */
export interface DurableRunner {
  /** Runs a script that revokes, then waits for the replicas. */
  run: RunScript;
  /** Runs a sign-in script; waits for the replicas only if `replaced(reply)`. */
  runSignIn(script: Script, keys: string[], args: string[], replaced: (reply: unknown) => boolean): Promise<unknown>;
  /** Closes the store's own connection, if one was opened. */
  close(): void;
}

/** Creates the runner for revocation writes: the plain one when no durability is asked for. */
export function createDurableRunner(
  driver: Driver,
  plain: RunScript,
  options: { timeoutMs: number; durability: RedisDurability | undefined; isClosed: () => boolean; onError: (error: unknown) => void },
): DurableRunner {
  const { durability } = options;
  if (durability === undefined) return { run: plain, runSignIn: (script, keys, args) => plain(script, keys, args), close: () => undefined };
  const { replicas, timeout } = durability;
  let writer: DurableWriter | undefined;
  let ended = false;
  const open = (): DurableWriter => {
    // Never reopened once closed: a new duplicate of a closed client would keep the process alive.
    if (ended) throw new SessionError('STORE_UNAVAILABLE', 'The Redis client was closed.');
    return (writer ??= driver.openWriter(options.onError));
  };
  // The replicas' wait comes on top of the command's own budget.
  const budget = options.timeoutMs + timeout;
  const check = (acknowledged: number): void => {
    if (acknowledged >= replicas) return;
    throw new SessionError(
      'STORE_UNAVAILABLE',
      `Only ${acknowledged} of ${replicas} Redis replicas acknowledged the revocation within ${timeout} ms: it might not survive a failover, so it is not reported as done. Try again.`,
    );
  };
  // A new primary after a failover has no scripts cached: NOSCRIPT, then the source runs.
  const withScript = async <T>(script: Script, keys: string[], args: string[], send: (command: string[]) => Promise<T>): Promise<T> => {
    const command = [script.evalsha, script.sha, String(keys.length), ...keys, ...args];
    try {
      return await send(command);
    } catch (error) {
      if (replyCode(error) !== 'NOSCRIPT') throw error;
      command[0] = script.eval;
      command[1] = script.source;
      return send(command);
    }
  };
  const guarded = <T>(operation: () => Promise<T>): Promise<T> => {
    if (options.isClosed()) return Promise.reject(new SessionError('CLOSED', 'The Redis session store was closed.'));
    return withTimeout(operation(), budget);
  };
  return {
    run: (script, keys, args) =>
      guarded(async () => {
        const result = await withScript(script, keys, args, (command) => open().sendAndWait(keys[0]!, command, replicas, timeout));
        check(result.acknowledged);
        return result.reply;
      }),
    runSignIn: (script, keys, args, replaced) =>
      guarded(async () => {
        const result = await withScript(script, keys, args, (command) => open().sendThenWaitIf(keys[0]!, command, replaced, replicas, timeout));
        if (result.acknowledged !== undefined) check(result.acknowledged);
        return result.reply;
      }),
    close() {
      ended = true;
      writer?.close();
      writer = undefined;
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
