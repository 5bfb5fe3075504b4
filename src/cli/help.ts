import { GLOBAL_HELP } from './args.js';
import type { AnyCommand } from './command.js';

/** The program's `--help`. */
export function programHelp(commands: readonly AnyCommand[]): string {
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
    ...options(GLOBAL_HELP),
    '',
    'Exit codes: 0 done, 1 refused or failed (store unreachable, client missing), 2 bad usage.',
    'Run session-revocation <command> --help for the options of a command.',
  ].join('\n');
}

/** A command's `--help`. */
export function commandHelp(command: AnyCommand): string {
  const remote = command.remote === true;
  return [
    `Usage: session-revocation ${usage(command)}${remote ? '' : ' --store <where>'} [options]`,
    '',
    `${command.summary}.`,
    ...(command.details === undefined ? [] : ['', command.details]),
    ...(command.optionHelp.length === 0 ? [] : ['', 'Options:', ...options(command.optionHelp)]),
    ...(remote ? [] : ['', 'Store options:', ...options(GLOBAL_HELP)]),
  ].join('\n');
}

function usage(command: AnyCommand): string {
  return [command.name, ...command.args.map((arg) => `<${arg}>`)].join(' ');
}

function options(lines: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...lines.map(([flag]) => flag.length));
  return lines.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}
