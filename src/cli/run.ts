import { createSessionManager } from '../manager/index.js';
import type { SessionManager } from '../manager/api.js';
import { readCommandLine } from './args.js';
import type { AnyCommand } from './command.js';
import { describeFailure, EXIT } from './failure.js';
import { commandHelp, programHelp } from './help.js';
import type { Output } from './output.js';
import { locationsIn, redactSecrets, tokensIn } from './redact.js';
import { parseStoreSpec } from './store-spec.js';
import { openStore } from './stores/open.js';
import type { OpenedStore } from './stores/types.js';

/** Where a run reads and writes (`error`: one line on stderr); the process's own in the bin. */
export interface RunEnvironment {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: Output;
  readonly error: (line: string) => void;
}

/** Runs one command line; resolves with the exit code once every client it opened is closed. */
export async function runCli(commands: readonly AnyCommand[], environment: RunEnvironment): Promise<number> {
  const { output } = environment;
  let opened: OpenedStore | undefined;
  let manager: SessionManager | undefined;
  try {
    const invocation = readCommandLine(environment.argv, commands, environment.env);
    if (invocation.kind === 'program-help') {
      output.line(programHelp(commands));
      return EXIT.done;
    }
    if (invocation.kind === 'command-help') {
      output.line(commandHelp(invocation.command));
      return EXIT.done;
    }
    if (invocation.kind === 'remote') {
      await invocation.command.run({ args: invocation.args, values: invocation.values, env: environment.env, output });
      return EXIT.done;
    }
    const spec = parseStoreSpec(invocation.store);
    const store = await openStore(spec, invocation.flags, { create: invocation.command.createsDatabase === true });
    opened = store;
    await invocation.command.run({
      args: invocation.args,
      values: invocation.values,
      store,
      output,
      manager: (options) => {
        if (manager !== undefined) throw new Error(`${invocation.command.name}: one session manager per run.`);
        // No pruning timer, no access tokens: nothing keeps the process alive.
        manager = createSessionManager({ store: store.store, ...options });
        return manager;
      },
    });
    return EXIT.done;
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    // Whatever wrote the message, the secrets of the command line never reach the terminal.
    environment.error(`session-revocation: ${redactSecrets(message, locationsIn(environment.argv, environment.env), tokensIn(environment.argv, environment.env))}`);
    return exitCode;
  } finally {
    await closeQuietly(opened, manager);
  }
}

// The store before its client; a failure to close changes neither the output nor the exit code.
async function closeQuietly(opened: OpenedStore | undefined, manager: SessionManager | undefined): Promise<void> {
  if (opened === undefined) return;
  try {
    if (manager !== undefined) await manager.close();
    else await opened.store.close?.();
  } catch {
    // Already reported or irrelevant: the work is done or failed by now.
  }
  await opened.close().catch(() => {});
}
