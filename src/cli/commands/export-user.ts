import type { Command } from '../command.js';
import { json } from '../format.js';

/** `export-user <userId>`: everything the store holds about a user, as JSON. */
export const exportUser: Command = {
  name: 'export-user',
  summary: 'Print everything stored about a user as JSON (sessions, epochs, deny-list)',
  args: ['userId'],
  options: {},
  optionHelp: [],
  details:
    'Every session row (revoked and expired ones too) with every field except the hash of its secret and its\n' +
    'state now (live, revoked, expired), the revocation epochs per kind and the deny-list of revoked sessions.\n' +
    'Times are milliseconds since 1970.',
  async run({ args, manager, output }) {
    const [userId] = args as [string];
    output.line(json(await manager().exportUser(userId)));
  },
};
