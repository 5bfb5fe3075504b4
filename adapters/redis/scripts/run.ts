import { SessionError } from '../../../src/errors.js';
import type { Driver } from '../client.js';
import { replyCode, withTimeout } from '../errors.js';
import type { Script } from './script.js';

/** Runs one script with the store's timeout and error mapping; resolves with its raw reply. */
export type RunScript = (script: Script, keys: string[], args: string[]) => Promise<unknown>;

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
