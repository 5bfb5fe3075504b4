import type { Command } from '../command.js';
import { isoTime, json, table } from '../format.js';

/** `list <userId>`: the live sessions, as the Security page lists them. */
export const list: Command = {
  name: 'list',
  summary: "List a user's live sessions (device, last used, created, IP, id)",
  args: ['userId'],
  options: { json: { type: 'boolean' } },
  optionHelp: [['--json', 'Print the sessions as JSON']],
  details:
    'Live: not revoked, not expired, created after the user\'s last "sign out everywhere". Most recently used first.\n' +
    "The app's idle timeout is not known here: a session idle for longer is still listed.",
  async run({ args, values, manager, output }) {
    const [userId] = args as [string];
    const sessions = await manager().list(userId);
    if (values['json'] === true) {
      output.line(json(sessions));
      return;
    }
    if (sessions.length === 0) {
      output.line(`No live sessions for user ${userId}.`);
      return;
    }
    const rows = sessions.map((session) => [session.deviceLabel, session.lastUsed, isoTime(session.createdAt), session.ip ?? '-', session.kind, session.id]);
    for (const line of table([['DEVICE', 'LAST USED', 'CREATED', 'IP', 'KIND', 'ID'], ...rows])) output.line(line);
  },
};
