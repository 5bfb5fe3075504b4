import { confirmed, text, type Command } from '../command.js';

/** `erase-user <userId>`: a deletion request — the user's sessions and deny-list go, the epochs stay. */
export const eraseUser: Command = {
  name: 'erase-user',
  summary: "Erase what is stored about a user (sessions, tombstones, deny-list); asks first unless --yes",
  args: ['userId'],
  options: { yes: { type: 'boolean' }, by: { type: 'string' } },
  optionHelp: [
    ['--yes', 'Do not ask for confirmation (for scripts)'],
    ['--by <actor>', 'Who did it, for the audit trail (default: cli)'],
  ],
  details:
    'Every session of every kind is signed out first (the revocation epochs are raised, so no old token or access\n' +
    'token works again), then every session row, revoked or not, and the deny-list are deleted. The epochs stay:\n' +
    'a user id and times, which keep old tokens refused. Without --yes it asks on the terminal; "y" goes on.',
  async run({ args, values, manager, output }) {
    const [userId] = args as [string];
    await confirmed(values, output, `Erase every session of user ${userId}? This cannot be undone.`, `Nothing erased: user ${userId} was not confirmed`);
    const { deletedSessions } = await manager().eraseUser(userId, { by: text(values, 'by') ?? 'cli' });
    output.line(`Erased user ${userId}: ${deletedSessions} session${deletedSessions === 1 ? '' : 's'} deleted, every token refused; the revocation epochs stay.`);
  },
};
