import { createSessionManager } from '../manager/index.js';
import { settledWithin } from '../settled-within.js';
import type { SessionManager } from '../manager/api.js';
import { readCommandLine } from './args.js';
import type { AnyCommand } from './command.js';
import { CliError, describeFailure, EXIT } from './failure.js';
import type { Output } from './output.js';
import { commandLineRedactor } from './redact.js';
import { printable } from './terminal.js';
import { CLOSE_TIMEOUT, type OpenedStore } from './stores/client.js';
import { openStore } from './stores/open.js';

/** Where a run reads and writes (`error`: one line on stderr); the process's own in the bin. */
export interface RunEnvironment {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: Output;
  readonly error: (line: string) => void;
}

/** Runs one command line; resolves with the exit code once every client it opened is closed. */
export async function runCli(commands: readonly AnyCommand[], { argv, env, output, error }: RunEnvironment): Promise<number> {
  let opened: OpenedStore | undefined;
  let manager: SessionManager | undefined;
  const unfinished: unknown[] = [];
  try {
    const line = readCommandLine(argv, commands);
    if ('help' in line) {
      output.line(line.help);
      return EXIT.done;
    }
    const { command, args, values } = line;
    if (command.remote === true) {
      // A transmitter may quote a secret of the command line back, wherever on the line it was given.
      const redact = commandLineRedactor(argv, env);
      await command.run({ args, values, env, output: { ...output, line: (text) => output.line(redact(text)) } });
      return EXIT.done;
    }
    const store = await openStore(values, env, { create: command.createsDatabase === true });
    opened = store;
    await command.run({
      args,
      values,
      store,
      // Stored text (a user agent, a device name, a reason) reaches the terminal shown, never obeyed.
      output: { ...output, line: (text) => output.line(printable(text)), confirm: (question) => output.confirm(printable(question)) },
      manager: (options) => {
        if (manager !== undefined) throw new Error(`${command.name}: one session manager per run.`);
        // No pruning timer, no access tokens: nothing keeps the process alive.
        manager = createSessionManager({ store: store.store, ...options, onError: (failure) => void unfinished.push(failure) });
        return manager;
      },
    });
    // The manager reported a failure it did not throw (an app would see it in onError): the run did not finish.
    if (unfinished.length > 0) throw new CliError(`not finished, run it again: ${describeFailure(unfinished[0]).message}`);
    return EXIT.done;
  } catch (failure) {
    const { message, exitCode } = describeFailure(failure);
    // Whatever wrote the message, the secrets of the command line never reach the terminal.
    error(`session-revocation: ${commandLineRedactor(argv, env)(message)}`);
    return exitCode;
  } finally {
    await closeQuietly(opened, manager);
  }
}

// The store before its client; a failure to close changes neither the output nor the exit code, and a server that stopped answering holds it a while only.
async function closeQuietly(opened: OpenedStore | undefined, manager: SessionManager | undefined): Promise<void> {
  if (opened === undefined) return;
  const closing = async (): Promise<void> => {
    try {
      if (manager !== undefined) await manager.close();
      else await opened.store.close?.();
    } catch {
      // The work is done or failed by now.
    }
    await opened.close();
  };
  await settledWithin(closing(), CLOSE_TIMEOUT);
}
