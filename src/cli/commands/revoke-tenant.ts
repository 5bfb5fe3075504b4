import { confirmed, text, type Command } from '../command.js';
import type { SessionStore } from '../../store.js';
import { usageError } from '../failure.js';
import { declaredKinds, parseKinds, signedOutUntil } from '../kinds.js';

/** `revoke-tenant <tenantId>`: sign out every user of a tenant, by raising the tenant's epochs. */
export const revokeTenant: Command = {
  name: 'revoke-tenant',
  summary: 'Sign out every user of a tenant (a team, an organisation); asks first unless --yes',
  args: ['tenantId'],
  options: { kinds: { type: 'string' }, by: { type: 'string' }, yes: { type: 'boolean' } },
  optionHelp: [
    ['--kinds all|<kind>,<kind>…', 'Session kinds to sign out (default: browser,remember,impersonation, as "sign out everywhere")'],
    ['--by <actor>', 'Who did it, for the audit trail and the tenant\'s activity (default: cli)'],
    ['--yes', 'Do not ask for confirmation (for scripts)'],
  ],
  details:
    'One write per kind however many users and sessions the tenant has: every session of those kinds created\n' +
    'with this tenant id until now is refused on its next request, and so are access tokens minted for them.\n' +
    '"all" is every kind: the built-in ones and every kind the store holds sessions of (the app\'s own kinds, read\n' +
    'with one count of the rows, as stats). Without --yes it asks on the terminal; "y" goes on. Needs a store\n' +
    'that keeps tenant epochs.',
  async run({ args, values, store, manager, output }) {
    const [tenantId] = args as [string];
    const requested = parseKinds(values['kinds']);
    // The app's own kinds are not declared here: declare the ones this run needs. A tenant's
    // sessions cannot be listed, so "all" takes every kind the store holds sessions of.
    const own = requested?.all === true ? [...(await kindsInStore(store.store)), ...requested.named] : (requested?.named ?? []);
    await confirmed(values, output, `Sign out every user of tenant ${tenantId}?`, `Nothing signed out: tenant ${tenantId} was not confirmed`);
    const sessions = manager({ kinds: declaredKinds(own) });
    const { epochs } = await sessions.revokeTenant(tenantId, { kinds: requested?.all === true ? 'all' : requested?.named, by: text(values, 'by') ?? 'cli' });
    output.line(`Signed out tenant ${tenantId} ${signedOutUntil(epochs, 'its sessions')}`);
  },
};

// Every kind with a row in the store, of any tenant: a superset of the tenant's kinds (raising
// a tenant epoch of a kind it has no session of costs one write and changes nothing else).
async function kindsInStore(store: SessionStore): Promise<string[]> {
  if (typeof store.stats !== 'function') throw usageError('--kinds all needs a store that can count its sessions per kind (stats): list the kinds to sign out instead (browser,remember,kiosk)');
  return Object.keys(await store.stats(Date.now()));
}
