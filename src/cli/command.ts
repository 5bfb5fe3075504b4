import type { ParseArgsConfig } from 'node:util';
import type { SessionManager } from '../manager/api.js';
import type { SessionManagerOptions } from '../options.js';
import { CliError } from './failure.js';
import type { Output } from './output.js';
import type { OpenedStore } from './stores/client.js';

/** The `options` table `parseArgs` takes. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** The flags as `parseArgs` read them. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** A flag: how `parseArgs` reads it, and its help line (the flag as typed, what it does). */
export interface Flag {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly help: readonly [string, string];
}

/** Flags by name, in the order the help lists them. */
export type Flags = Readonly<Record<string, Flag>>;

/** What a command that talks to a transmitter gets: its positional arguments, its flags, and the environment (for a bearer token). */
export interface RemoteCommandContext {
  readonly args: readonly string[];
  readonly values: FlagValues;
  readonly env: NodeJS.ProcessEnv;
  readonly output: Output;
}

/** What a store command gets: the same but the environment, and the opened store. */
export interface CommandContext extends Omit<RemoteCommandContext, 'env'> {
  readonly store: OpenedStore;
  /** A session manager over the store (one per run; the CLI closes it). */
  manager(options?: Pick<SessionManagerOptions, 'pruneBatchSize' | 'kinds' | 'activityRetention' | 'knownDeviceWindow'>): SessionManager;
}

/** One command of the CLI: an entry in the table of `commands.ts`. */
export interface Command {
  /** The words on the command line (`list`, `ssf status`). */
  readonly name: string;
  readonly remote?: never;
  /** One line for the program's help. */
  readonly summary: string;
  /** Names of the required positional arguments, in order (`userId`). */
  readonly args: readonly string[];
  readonly flags: Flags;
  /** Whether the command may create an SQLite file (`migrate`): a mistyped path must not become an empty database. */
  readonly createsDatabase?: boolean;
  /** A few lines for the command's `--help`, after the summary. */
  readonly details?: string;
  /** Does the work; throws a `CliError` or `SessionError` to fail. */
  run(context: CommandContext): Promise<void>;
}

/** A command that talks to a Shared Signals transmitter instead of a store: no store flags. */
export interface RemoteCommand extends Omit<Command, 'remote' | 'createsDatabase' | 'run'> {
  readonly remote: true;
  run(context: RemoteCommandContext): Promise<void>;
}

/** Any command of the table. */
export type AnyCommand = Command | RemoteCommand;

/** The table `parseArgs` takes for `flags`. */
export function optionTable(flags: Flags): OptionTable {
  return Object.fromEntries(Object.entries(flags).map(([name, { type, short }]) => [name, short === undefined ? { type } : { type, short }]));
}

/** A flag's text value, if given. */
export function text(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Asks `question` unless `--yes` was given; a no fails the command with `refusal`. */
export async function confirmed(values: FlagValues, output: Output, question: string, refusal: string): Promise<void> {
  if (values['yes'] !== true && !(await output.confirm(question))) throw new CliError(`${refusal} (answer "y", or pass --yes).`);
}
