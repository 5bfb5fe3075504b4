import { parseArgs } from 'node:util';
import { text, type AnyCommand, type Command, type FlagValues, type OptionTable, type RemoteCommand } from './command.js';
import { usageError } from './failure.js';
import type { StoreFlags } from './stores/types.js';

/** Flags every command takes: where the store is, and the store's own options. */
export const GLOBAL_OPTIONS = {
  store: { type: 'string' },
  prefix: { type: 'string' },
  schema: { type: 'string' },
  table: { type: 'string' },
  'prepared-statements': { type: 'string' },
  'table-prefix': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionTable;

/** Help lines of {@link GLOBAL_OPTIONS}. */
export const GLOBAL_HELP: ReadonlyArray<readonly [string, string]> = [
  ['--store <where>', 'memory | sqlite:<file> | redis://… | rediss://… | postgres://… | postgresql://… | mysql://… (or SESSION_REVOCATION_STORE)'],
  ['--prefix <prefix>', 'Redis: key prefix (default sr:)'],
  ['--schema <name>', 'PostgreSQL: schema (default session_revocation)'],
  ['--table <name>', 'PostgreSQL: sessions table (default sessions)'],
  ['--prepared-statements=false', 'PostgreSQL: unnamed statements only, behind a transaction pooler (PgBouncer)'],
  ['--table-prefix <prefix>', 'SQLite, MySQL: table name prefix (default session_revocation_)'],
  ['-h, --help', 'Show help'],
];

/** The command line, read. */
export type Invocation =
  | { readonly kind: 'program-help' }
  | { readonly kind: 'command-help'; readonly command: AnyCommand }
  | {
      readonly kind: 'remote';
      readonly command: RemoteCommand;
      readonly args: readonly string[];
      readonly values: FlagValues;
    }
  | {
      readonly kind: 'run';
      readonly command: Command;
      readonly args: readonly string[];
      readonly values: FlagValues;
      readonly store: string | undefined;
      readonly flags: StoreFlags;
    };

/**
 * Reads argv with `parseArgs`, twice: a lenient pass finds the command wherever the flags
 * are, then a strict pass with exactly the flags of that command refuses anything else.
 */
export function readCommandLine(argv: readonly string[], commands: readonly AnyCommand[], env: NodeJS.ProcessEnv): Invocation {
  const everyOption: OptionTable = Object.assign({}, ...commands.map((command) => command.options), GLOBAL_OPTIONS);
  const first = parseArgs({ args: [...argv], options: everyOption, strict: false, allowPositionals: true });
  const name = first.positionals[0];
  if (name === undefined) {
    if (first.values['help'] === true) return { kind: 'program-help' };
    throw usageError('missing command');
  }
  const command = findCommand(commands, first.positionals);

  // A command that opens no store takes none of the store flags.
  const own = command.remote === true ? { help: GLOBAL_OPTIONS.help, ...command.options } : { ...GLOBAL_OPTIONS, ...command.options };
  const { values, positionals } = strictParse(argv, own);
  if (values['help'] === true) return { kind: 'command-help', command };
  const args = positionals.slice(command.name.split(' ').length);
  if (args.length < command.args.length) throw usageError(`${command.name} needs <${command.args[args.length]}>`);
  // The extra argument is not echoed: it may be a store location or its password, split off by the shell.
  if (args.length > command.args.length) throw usageError(`${command.name} takes ${takes(command.args)}, not ${args.length}`);
  for (const [index, arg] of args.entries()) if (arg === '') throw usageError(`<${command.args[index]}> must not be empty`);
  if (command.remote === true) return { kind: 'remote', command, args, values };

  return {
    kind: 'run',
    command,
    args,
    values,
    store: text(values, 'store') ?? env['SESSION_REVOCATION_STORE'],
    flags: {
      prefix: text(values, 'prefix'),
      schema: text(values, 'schema'),
      table: text(values, 'table'),
      tablePrefix: text(values, 'table-prefix'),
      preparedStatements: preparedStatements(values['prepared-statements']),
    },
  };
}

// The command whose words begin the positionals: `list`, or `ssf` and one of its own words.
function findCommand(commands: readonly AnyCommand[], positionals: readonly string[]): AnyCommand {
  const command = commands.find((candidate) => candidate.name.split(' ').every((word, index) => positionals[index] === word));
  if (command !== undefined) return command;
  const name = positionals[0]!;
  const family = commands.filter((candidate) => candidate.name.startsWith(`${name} `)).map((candidate) => candidate.name.slice(name.length + 1));
  if (family.length === 0) throw usageError(`unknown command "${name}"`);
  const given = positionals[1];
  const known = `${family.slice(0, -1).join(', ')} or ${family.at(-1)!}`;
  throw usageError(given === undefined ? `${name} needs a command: ${known}` : `unknown command "${name} ${given}" (${name} takes ${known})`);
}

function strictParse(argv: readonly string[], options: OptionTable): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Node's message goes on about "--" for positionals; the flag is what matters.
      const flag = /'([^']+)'/.exec((error as Error).message)?.[1];
      throw usageError(`unknown option ${flag ?? ''}`.trim());
    }
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw usageError((error as Error).message);
    throw error;
  }
}

function takes(names: readonly string[]): string {
  if (names.length === 0) return 'no argument';
  return `${names.length} argument${names.length === 1 ? '' : 's'} (${names.map((name) => `<${name}>`).join(' ')})`;
}

function preparedStatements(value: string | boolean | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw usageError('--prepared-statements takes true or false');
}
