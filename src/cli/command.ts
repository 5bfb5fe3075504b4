import type { ParseArgsConfig } from 'node:util';
import type { SessionManager } from '../manager/api.js';
import type { SessionManagerOptions } from '../options.js';
import type { Output } from './output.js';
import type { OpenedStore } from './stores/types.js';

/** The `options` table `parseArgs` takes. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** What a command gets: its arguments, its flags and the opened store. */
export interface CommandContext {
  /** The positional arguments after the command name, as many as {@link Command.args} names. */
  readonly args: readonly string[];
  /** The flags, global and the command's own, as `parseArgs` read them. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** The store `--store` names, opened. */
  readonly store: OpenedStore;
  /**
   * A session manager over the store (one per run; the CLI closes it). The options a command
   * may set are the ones about its own work.
   */
  manager(options?: Pick<SessionManagerOptions, 'pruneBatchSize' | 'kinds'>): SessionManager;
  /** Where results (stdout) and progress (stderr) go. */
  readonly output: Output;
}

/** What a command that talks to a transmitter gets: no store is opened for it. */
export interface RemoteCommandContext {
  /** The positional arguments after the command name, as many as {@link RemoteCommand.args} names. */
  readonly args: readonly string[];
  /** The command's flags, as `parseArgs` read them. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** The environment, for values better kept off the command line (a bearer token). */
  readonly env: NodeJS.ProcessEnv;
  /** Where results (stdout) and progress (stderr) go. */
  readonly output: Output;
}

/** One command of the CLI: a file under `commands/` and a line in the table of `commands.ts`. */
export interface Command {
  /** The words on the command line (`list`, `ssf status`). */
  readonly name: string;
  /** Only {@link RemoteCommand} sets it. */
  readonly remote?: never;
  /** One line for the program's help. */
  readonly summary: string;
  /** Names of the required positional arguments, in order (`userId`). */
  readonly args: readonly string[];
  /** The command's own flags, for `parseArgs`. */
  readonly options: OptionTable;
  /** Help lines of those flags: the flag as typed, and what it does. */
  readonly optionHelp: ReadonlyArray<readonly [string, string]>;
  /**
   * Whether the command may create the store's database (`migrate`). Others refuse an SQLite
   * file that does not exist: a mistyped path must not become a new, empty database.
   */
  readonly createsDatabase?: boolean;
  /** A few lines for the command's `--help`, after the summary. */
  readonly details?: string;
  /** Does the work. Throws a `CliError` or `SessionError` to fail. */
  run(context: CommandContext): Promise<void>;
}

/**
 * A command that talks to a remote service (a Shared Signals transmitter) instead of a store:
 * it takes no `--store` and none of the store flags.
 */
export interface RemoteCommand extends Omit<Command, 'remote' | 'createsDatabase' | 'run'> {
  /** Marks the command as one that opens no store. */
  readonly remote: true;
  /** Does the work. Throws a `CliError` or `SessionError` to fail. */
  run(context: RemoteCommandContext): Promise<void>;
}

/** Any command of the table. */
export type AnyCommand = Command | RemoteCommand;
