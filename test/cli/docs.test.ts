import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { CLOSE_TIMEOUT, CONNECT_TIMEOUT } from '../../src/cli/stores/client.js';

// The operator's guide states the CLI's waits as numbers: they must be the code's.
const guide = readFileSync(resolve(import.meta.dirname, '../../docs/cli.md'), 'utf8').replace(/\s+/g, ' ');

it('docs/cli.md gives the waits for a store that stops answering as the code has them', () => {
  expect(guide).toContain(`its first request is waited for ${CONNECT_TIMEOUT / 1000} seconds`);
  expect(guide).toContain(`closing for ${CLOSE_TIMEOUT / 1000} seconds at most`);
});

it('docs/cli.md says to keep a store password out of ps with SESSION_REVOCATION_STORE', () => {
  expect(guide).toMatch(/To keep the password out of the process list and the shell history, put the store in the environment instead: `SESSION_REVOCATION_STORE=postgres:\/\/… /);
});
