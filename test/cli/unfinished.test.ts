import { describe, expect, it } from 'vitest';
import { revokeTenant } from '../../src/cli/commands.js';
import type { Command } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run.js';
import { SessionError } from '../../src/errors.js';

// `revoke-tenant` whose store refuses every read of the tenant after the first sign-out batch held:
// the second raise of the tenant's epochs fails, and only that raise ends a sign-in racing the first.
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

// A command whose manager reports a failure it does not throw (to onError): here a listener's.
const reportsAfterAnswering: Command = {
  ...revokeTenant,
  async run(context) {
    const sessions = context.manager();
    sessions.on('tenant.sessions_invalidated', () => {
      throw new Error('listener failed');
    });
    await sessions.revokeTenant('acme');
    context.output.line('answered');
  },
};

const argv = ['revoke-tenant', 'acme', '--yes', '--store', 'memory', '--by', 'ops'];

async function cli(command: Command) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output = { line: (text: string) => void stdout.push(text), progress: () => ({ update() {}, done() {} }), confirm: async () => true };
  const code = await runCli([command], { argv, env: {}, output, error: (line) => void stderr.push(line) });
  return { stdout, stderr, code };
}

describe('a command whose store or manager fails part-way', () => {
  it('revoke-tenant whose second raise fails prints no result, says why on stderr, and exits 1', async () => {
    expect(await cli(failingSecondRaise)).toEqual({ stdout: [], stderr: ['session-revocation: connection reset'], code: 1 });
  });

  it('a failure the manager reports after answering: the answer is printed, then "not finished" on stderr, exit 1', async () => {
    expect(await cli(reportsAfterAnswering)).toEqual({ stdout: ['answered'], stderr: ['session-revocation: not finished, run it again: listener failed'], code: 1 });
  });
});
