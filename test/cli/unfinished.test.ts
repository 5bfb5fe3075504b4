import { describe, expect, it } from 'vitest';
import { revokeTenant } from '../../src/cli/commands.js';
import type { Command } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run.js';
import { SessionError } from '../../src/errors.js';

// `revoke-tenant` whose store refuses every read of the tenant after the first sign-out batch held:
// the second raise of the tenant's epochs fails after the command has printed its result.
const failingSecondRaise: Command = {
  ...revokeTenant,
  async run(context) {
    const { store } = context.store;
    const apply = store.apply.bind(store);
    const readTenant = store.readTenant.bind(store);
    let applied = false;
    store.apply = async (...args) => ((applied = true), apply(...args));
    store.readTenant = async (...args) => (applied ? Promise.reject(new SessionError('STORE_UNAVAILABLE', 'connection reset')) : readTenant(...args));
    await revokeTenant.run(context);
  },
};

describe('a command whose manager fails a step after answering', () => {
  it('revoke-tenant prints its result, then why it did not finish on stderr, and exits 1', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const output = { line: (text: string) => void stdout.push(text), progress: () => ({ update() {}, done() {} }), confirm: async () => true };
    const argv = ['revoke-tenant', 'acme', '--yes', '--store', 'memory', '--by', 'ops'];
    const code = await runCli([failingSecondRaise], { argv, env: {}, output, error: (line) => void stderr.push(line) });
    // The memory store holds nothing for acme, which the second line says.
    expect(stdout).toEqual([expect.stringMatching(/^Signed out tenant acme /), "No session was ever stored for tenant acme: check the spelling (and the store's prefix or schema)."]);
    expect(stderr).toEqual(['session-revocation: not finished, run it again: connection reset']);
    expect(code).toBe(1);
  });
});
