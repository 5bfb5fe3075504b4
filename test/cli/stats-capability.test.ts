import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { revokeTenant, stats } from '../../src/cli/commands.js';
import { describeFailure } from '../../src/cli/failure.js';
import type { Output } from '../../src/cli/output.js';
import type { SessionStore } from '../../src/store.js';

// Every store of this package counts its rows; a store of the app's own may not (stats is optional).
describe('stats on a store without stats()', () => {
  it('fails with one line and exit 1, printing nothing', async () => {
    const lines: string[] = [];
    const output: Output = { line: (text) => void lines.push(text), progress: () => ({ update: () => {}, done: () => {} }), confirm: async () => false };
    const store: SessionStore = { ...memoryStore(), stats: undefined };
    const failure = await stats
      .run({ args: [], values: {}, store: { store, migrate: async () => '', close: async () => {} }, output, manager: () => { throw new Error('stats needs no manager'); } })
      .then(() => undefined, (error: unknown) => describeFailure(error));
    expect(failure).toEqual({ exitCode: 1, message: 'this store cannot count its sessions (it has no stats): upgrade the store to use session-revocation stats' });
    expect(lines).toEqual([]);
  });
});

// revoke-tenant learns the app's own kinds from stats(): without it, "all" cannot promise every kind.
describe('revoke-tenant --kinds all on a store without stats()', () => {
  it('refuses as bad usage (exit 2) before asking or signing anyone out', async () => {
    const asked: string[] = [];
    const output: Output = { line: () => {}, progress: () => ({ update: () => {}, done: () => {} }), confirm: async (question) => (asked.push(question), true) };
    const store: SessionStore = { ...memoryStore(), stats: undefined };
    const failure = await revokeTenant
      .run({ args: ['acme'], values: { kinds: 'all', yes: true }, store: { store, migrate: async () => '', close: async () => {} }, output, manager: () => { throw new Error('nothing may be signed out'); } })
      .then(() => undefined, (error: unknown) => describeFailure(error));
    expect(failure?.exitCode).toBe(2);
    expect(failure?.message).toMatch(/^--kinds all needs a store that can count its sessions per kind \(stats\): list the kinds to sign out instead/);
    expect(asked).toEqual([]);
  });
});
