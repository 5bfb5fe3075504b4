#!/usr/bin/env node
// The `session-revocation` bin: an operator's command line over the stores.
import { runCli } from './run.js';
import { COMMANDS } from './commands.js';
import { processOutput } from './output.js';

process.exitCode = await runCli(COMMANDS, {
  argv: process.argv.slice(2),
  env: process.env,
  output: processOutput(),
  error: (line) => {
    process.stderr.write(`${line}\n`);
  },
});
