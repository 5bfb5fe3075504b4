import type { SessionRecord } from '../../store.js';
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
    'Every session row (revoked and expired ones too) with every field except the hash of its secret, the\n' +
    'revocation epochs per kind and the deny-list of revoked sessions. Times are milliseconds since 1970.',
  async run({ args, store: { store }, output }) {
    const [userId] = args as [string];
    const [held, state] = await Promise.all([store.listByUser(userId), store.getRevocationState(userId)]);
    output.line(
      json({
        userId,
        exportedAt: Date.now(),
        sessions: held.sessions.map(withoutSecret),
        epochs: held.epochs,
        denied: state.denied,
      }),
    );
  },
};

// The hash of a token's secret is all it takes to check a stolen guess offline: never exported.
function withoutSecret(record: SessionRecord): Omit<SessionRecord, 'secretHash'> {
  const { secretHash: _secretHash, ...rest } = record;
  return rest;
}
