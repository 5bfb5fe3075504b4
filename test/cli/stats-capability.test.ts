import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
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

// revoke-tenant learns the app's own kinds from the tenant's high-water marks, which every store keeps: stats() is not needed.
describe('revoke-tenant --kinds all on a store without stats()', () => {
  it("signs out the tenant's sessions of the app's own kinds too", async () => {
    const lines: string[] = [];
    const output: Output = { line: (text) => void lines.push(text), progress: () => ({ update: () => {}, done: () => {} }), confirm: async () => true };
    const store: SessionStore = { ...memoryStore(), stats: undefined };
    const app = createSessionManager({ store, kinds: { kiosk: {} } });
    const kiosk = await app.create({ userId: 'kara', tenantId: 'acme', kind: 'kiosk' });
    await revokeTenant.run({ args: ['acme'], values: { kinds: 'all', yes: true }, store: { store, migrate: async () => '', close: async () => {} }, output, manager: (options) => createSessionManager({ store, ...options }) });
    expect(lines).toEqual([expect.stringMatching(/^Signed out tenant acme \(api, browser, impersonation, kiosk, remember\): /)]);
    expect((await app.validate(kiosk.token)).ok).toBe(false);
  });
});
