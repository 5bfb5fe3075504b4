import { parseArgs } from 'node:util';
import { optionTable, type AnyCommand, type Flag, type FlagValues, type OptionTable } from './command.js';
import { usageError } from './failure.js';
import { STORE_FLAGS } from './stores/open.js';

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

const HELP_FLAG: Flag = { type: 'boolean', short: 'h', help: ['-h, --help', 'Show help'] };

/** Flags every store command takes: where the store is, the store's own options, and help. */
const GLOBAL_FLAGS = { ...STORE_FLAGS, help: HELP_FLAG };

/** The command line, read: the help it asks for, or the command to run with its arguments and flags. */
export type CommandLine = { readonly help: string } | { readonly command: AnyCommand; readonly args: readonly string[]; readonly values: FlagValues };

/** Reads argv with `parseArgs` twice: a lenient pass finds the command among the flags, a strict one with its flags refuses anything else. */
export function readCommandLine(argv: readonly string[], commands: readonly AnyCommand[]): CommandLine {
  const everyFlag = Object.assign({}, ...commands.map((command) => command.flags), GLOBAL_FLAGS);
  const first = parseArgs({ args: [...argv], options: optionTable(everyFlag), strict: false, allowPositionals: true, tokens: true });
  if (first.positionals[0] === undefined) {
    checkValues(first.tokens, optionTable(everyFlag));
    if (first.values['help'] === true) return { help: programHelp(commands) };
    throw usageError('missing command');
  }
  const command = findCommand(commands, first.positionals);
  const { values, positionals } = strictParse(argv, optionTable(ownFlags(command)));
  if (values['help'] === true) return { help: commandHelp(command) };
  const args = positionals.slice(command.name.split(' ').length);
  if (args.length < command.args.length) throw usageError(`${command.name} needs <${command.args[args.length]}>`);
  // The extra argument is not echoed: it may be a store location or its password, split off by the shell.
  if (args.length > command.args.length) throw usageError(`${command.name} takes ${takes(command.args)}, not ${args.length}`);
  for (const [index, arg] of args.entries()) if (arg === '') throw usageError(`<${command.args[index]}> must not be empty`);
  return { command, args, values };
}

// A command that opens no store takes none of the store flags.
const ownFlags = (command: AnyCommand): Record<string, Flag> => (command.remote === true ? { help: HELP_FLAG, ...command.flags } : { ...GLOBAL_FLAGS, ...command.flags });

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

function strictParse(argv: readonly string[], options: OptionTable): { values: FlagValues; positionals: string[] } {
  // Strict parsing takes the last of a repeated flag silently (`--store` twice: the wrong database) and words a missing value its own way.
  checkValues(parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true }).tokens, options);
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: values as FlagValues, positionals };
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

// Each flag that takes a value given once, with one (`--by -h` forgot it; `--by=-x` gives one); no value is echoed: it may hold a password.
function checkValues(tokens: readonly Token[], options: OptionTable): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !Object.hasOwn(options, token.name) || options[token.name]!.type !== 'string') continue;
    if (token.value === undefined) throw usageError(`--${token.name} needs a value`);
    if (token.inlineValue !== true && token.value.length > 1 && token.value.startsWith('-')) {
      throw usageError(`--${token.name} needs a value (for one that starts with "-", write --${token.name}=<value>)`);
    }
    if (seen.has(token.name)) throw usageError(`--${token.name} is given more than once: give it once`);
    seen.add(token.name);
  }
}

const takes = (names: readonly string[]): string =>
  names.length === 0 ? 'no argument' : `${names.length} argument${names.length === 1 ? '' : 's'} (${names.map((name) => `<${name}>`).join(' ')})`;

function programHelp(commands: readonly AnyCommand[]): string {
  const width = Math.max(...commands.map((command) => usage(command).length));
  return [
    'Usage: session-revocation <command> [arguments] --store <where> [options]',
    '',
    'Operate on the sessions of session-revocation: migrate, inspect, sign out, prune;',
    'and manage the Shared Signals stream a transmitter sends security events on (ssf: no --store).',
    '',
    'Commands:',
    ...commands.map((command) => `  ${usage(command).padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    ...flagHelp(GLOBAL_FLAGS),
    '',
    'Exit codes: 0 done, 1 refused or failed (store unreachable, client missing), 2 bad usage.',
    'Run session-revocation <command> --help for the options of a command.',
  ].join('\n');
}

function commandHelp(command: AnyCommand): string {
  const remote = command.remote === true;
  return [
    `Usage: session-revocation ${usage(command)}${remote ? '' : ' --store <where>'} [options]`,
    '',
    `${command.summary}.`,
    ...(command.details === undefined ? [] : ['', command.details]),
    ...(Object.keys(command.flags).length === 0 ? [] : ['', 'Options:', ...flagHelp(command.flags)]),
    ...(remote ? [] : ['', 'Store options:', ...flagHelp(GLOBAL_FLAGS)]),
  ].join('\n');
}

const usage = (command: AnyCommand): string => [command.name, ...command.args.map((arg) => `<${arg}>`)].join(' ');

function flagHelp(flags: Readonly<Record<string, Flag>>): string[] {
  const width = Math.max(...Object.values(flags).map(({ help: [flag] }) => flag.length));
  return Object.values(flags).map(({ help: [flag, text] }) => `  ${flag.padEnd(width)}  ${text}`);
}
