#!/usr/bin/env node
// The `session-revocation` bin: an operator's command line over the stores.
import { Console } from 'node:console';
import { runCli } from './run.js';
import { COMMANDS } from './commands.js';
import { processOutput } from './output.js';
import { commandLineRedactor, redactingStream } from './redact.js';

const argv = process.argv.slice(2);
const redact = commandLineRedactor(argv, process.env);
// Drivers' own console warnings (mysql2 quotes an option it ignores) reach the terminal with the store's secrets hidden too.
globalThis.console = new Console({ stdout: redactingStream(process.stdout, redact), stderr: redactingStream(process.stderr, redact) });

process.exitCode = await runCli(COMMANDS, {
  argv,
  env: process.env,
  output: processOutput(),
  error: (line) => void process.stderr.write(`${line}\n`),
});
// Every client was closed, or waited for a while: a socket a driver still holds to a server that stopped answering must not keep the run alive.
// Only once what was written has reached its reader (a pipe is asynchronous on some systems): a slow reader is not cut short.
setTimeout(() => process.stdout.write('', () => process.stderr.write('', () => process.exit())), 1_000).unref();
