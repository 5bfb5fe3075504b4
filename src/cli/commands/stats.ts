import type { Command } from '../command.js';
import { CliError } from '../failure.js';
import { json, table } from '../format.js';

/** `stats`: how many session rows the store holds, per kind: live, revoked, expired. */
export const stats: Command = {
  name: 'stats',
  summary: 'Count the stored sessions per kind: live, revoked, expired',
  args: [],
  options: { json: { type: 'boolean' } },
  optionHelp: [['--json', 'Print the counts as JSON (kind to { live, revoked, expired })']],
  details:
    'Counts rows, not users: live is neither revoked on its own nor past its expiry (a "sign out everywhere"\n' +
    'is not applied, so sessions it ended still count as live until they expire); revoked is a tombstone\n' +
    'kept until its expiry; expired is a row past its expiry, waiting for prune. One read, never a write.',
  async run({ values, store, output }) {
    const { store: sessions } = store;
    if (typeof sessions.stats !== 'function') {
      throw new CliError('this store cannot count its sessions (it has no stats): upgrade the store to use session-revocation stats');
    }
    const counts = await sessions.stats(Date.now());
    // Kinds are data (the store answers a prototype-free object): sort them, read them as entries.
    const kinds = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (values['json'] === true) {
      output.line(json(Object.fromEntries(kinds.map(([kind, { live, revoked, expired }]) => [kind, { live, revoked, expired }]))));
      return;
    }
    if (kinds.length === 0) {
      output.line('No sessions in the store.');
      return;
    }
    const sum = (pick: 'live' | 'revoked' | 'expired'): number => kinds.reduce((total, [, count]) => total + count[pick], 0);
    const rows = kinds.map(([kind, count]) => [kind, String(count.live), String(count.revoked), String(count.expired)]);
    const total = ['TOTAL', String(sum('live')), String(sum('revoked')), String(sum('expired'))];
    for (const line of table([['KIND', 'LIVE', 'REVOKED', 'EXPIRED'], ...rows, total])) output.line(line);
  },
};
