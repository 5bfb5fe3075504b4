import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { stats } from '../../src/cli/commands/stats.js';
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
