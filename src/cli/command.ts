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

/** One command of the CLI: a file under `commands/` and a line in the table of `commands.ts`. */
export interface Command {
  /** The word on the command line. */
  readonly name: string;
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
