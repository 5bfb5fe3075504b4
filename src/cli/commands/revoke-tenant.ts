import type { Command } from '../command.js';
import { CliError } from '../failure.js';
import { isoTime } from '../format.js';
import { declaredKinds, parseKinds } from '../kinds.js';

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
    '"all" is every built-in kind; name the app\'s own kinds in the list beside it (all,kiosk). Without --yes\n' +
    'it asks on the terminal; "y" goes on. Needs a store that keeps tenant epochs.',
  async run({ args, values, manager, output }) {
    const [tenantId] = args as [string];
    const by = typeof values['by'] === 'string' ? values['by'] : 'cli';
    const requested = parseKinds(values['kinds']);
    if (values['yes'] !== true && !(await output.confirm(`Sign out every user of tenant ${tenantId}?`))) {
      throw new CliError(`Nothing signed out: tenant ${tenantId} was not confirmed (answer "y", or pass --yes).`);
    }
    // The app's own kinds are not declared here: declare the ones named for this run.
    const sessions = manager({ kinds: declaredKinds(requested?.named ?? []) });
    const { epochs } = await sessions.revokeTenant(tenantId, { kinds: requested?.all === true ? 'all' : requested?.named, by });
    const names = Object.keys(epochs).sort();
    const until = Math.max(...Object.values(epochs));
    output.line(`Signed out tenant ${tenantId} (${names.join(', ')}): its sessions created until ${isoTime(until)} are refused.`);
  },
};
