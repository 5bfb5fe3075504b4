import type { SessionStore } from '../../store.js';
import { text, type Command } from '../command.js';
import { declaredKinds, parseKinds, signedOutUntil } from '../kinds.js';

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
    'that the store holds for the user; "all" in a list (all,browser) is "all" too.',
  async run({ args, values, store, manager, output }) {
    const [userId] = args as [string];
    const requested = parseKinds(values['kinds']);
    // The app's own kinds are not declared here: declare the ones this run needs.
    const own = requested === undefined ? [] : requested.all ? [...(await kindsHeldFor(userId, store.store)), ...requested.named] : requested.named;
    const sessions = manager({ kinds: declaredKinds(own) });
    const { epochs } = await sessions.revokeAll(userId, { kinds: requested?.all === true ? 'all' : requested?.named, by: text(values, 'by') ?? 'cli' });
    output.line(`Signed out user ${userId} everywhere ${signedOutUntil(epochs, 'sessions')}`);
  },
};

async function kindsHeldFor(userId: string, store: SessionStore): Promise<string[]> {
  const held = await store.readUser(userId);
  return [...new Set([...held.sessions.map((session) => session.kind), ...Object.keys(held.epochs)])];
}
