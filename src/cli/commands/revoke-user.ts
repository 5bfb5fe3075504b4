import { BUILT_IN_KINDS, KIND_NAME, KIND_NAME_RULE, type KindOptions } from '../../options.js';
import type { SessionStore } from '../../store.js';
import type { Command } from '../command.js';
import { usageError } from '../failure.js';
import { isoTime } from '../format.js';

/** `revoke-user <userId>`: sign out everywhere, by raising the user's epochs. */
export const revokeUser: Command = {
  name: 'revoke-user',
  summary: 'Sign a user out everywhere (every session of the chosen kinds)',
  args: ['userId'],
  options: { kinds: { type: 'string' }, by: { type: 'string' } },
  optionHelp: [
    ['--kinds all|<kind>,<kind>…', 'Session kinds to sign out (default: browser,remember,impersonation, as "sign out everywhere" in the app)'],
    ['--by <actor>', 'Who did it, for the audit trail (default: cli)'],
  ],
  details:
    'One write however many sessions the user has: every session of those kinds created until now is refused\n' +
    'on its next request, and so are access tokens minted for them. "all" also covers the app\'s own kinds\n' +
    'that the store holds for the user.',
  async run({ args, values, store, manager, output }) {
    const [userId] = args as [string];
    const by = typeof values['by'] === 'string' ? values['by'] : 'cli';
    const requested = parseKinds(values['kinds']);
    // The app's own kinds are not declared here: declare the ones this run needs.
    const own = requested === 'all' ? await kindsHeldFor(userId, store.store) : (requested ?? []);
    const kinds = Object.fromEntries(own.filter((kind) => !(BUILT_IN_KINDS as readonly string[]).includes(kind)).map((kind): [string, KindOptions] => [kind, {}]));
    const sessions = manager({ kinds });
    const { epochs } = await sessions.revokeAll(userId, { kinds: requested === 'all' ? 'all' : requested, by });
    const names = Object.keys(epochs).sort();
    const until = Math.max(...Object.values(epochs));
    output.line(`Signed out user ${userId} everywhere (${names.join(', ')}): sessions created until ${isoTime(until)} are refused.`);
  },
};

/** Reads `--kinds`: `all`, or a comma-separated list (no empty item), without repeats. */
export function parseKinds(value: string | boolean | undefined): readonly string[] | 'all' | undefined {
  if (value === undefined) return undefined;
  if (value === 'all') return 'all';
  const kinds = String(value)
    .split(',')
    .map((kind) => kind.trim());
  if (kinds.some((kind) => kind === '')) throw usageError('--kinds takes "all" or a comma-separated list of kinds');
  // Checked here, not only by the manager the command makes: a mistyped kind is bad usage.
  const misnamed = kinds.find((kind) => !KIND_NAME.test(kind));
  if (misnamed !== undefined) throw usageError(`--kinds: kind "${misnamed}" ${KIND_NAME_RULE}`);
  return [...new Set(kinds)];
}

async function kindsHeldFor(userId: string, store: SessionStore): Promise<string[]> {
  const held = await store.listByUser(userId);
  return [...new Set([...held.sessions.map((session) => session.kind), ...Object.keys(held.epochs)])];
}
