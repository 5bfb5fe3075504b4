import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type Session, type SessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';

const root = resolve(import.meta.dirname, '../..');
const guide = await readFile(join(root, 'docs/security-page.md'), 'utf8');

/** The guide's "Log out one device" line for code without a request (a Next.js Server Action): run with the manager, the id and the caller's session. */
function withoutRequestSnippet(): (sessions: SessionManager, sessionId: string, session: Session) => Promise<unknown> {
  const section = guide.slice(guide.indexOf('\n## Log out one device\n'), guide.indexOf('\n## Log out other devices\n'));
  const block = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!).find((code) => code.includes('sessions.revoke(') && !code.includes('req.sessions'));
  if (block === undefined) throw new Error('docs/security-page.md shows no "Log out one device" for code without req.sessions');
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>;
  return (sessions, sessionId, session) => new AsyncFunction('sessions', 'sessionId', 'session', block)(sessions, sessionId, session);
}

// A Next.js Server Action has no req.sessions, and lib/sessions.ts names the manager `sessions`: the manager's revoke(id) alone ends any user's
// session, so a "Log out" button whose id came from the form could end someone else's. The guide's line for that case must keep to the caller's own.
describe('docs/security-page.md: "Log out one device" without a request', () => {
  it("ends the caller's other device, and leaves another user's session alone", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const laptop = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac });
    const phone = await sessions.create({ userId: 'ada', userAgent: UA.safariIphone });
    const other = await sessions.create({ userId: 'grace', userAgent: UA.firefoxWindows });
    const logOut = withoutRequestSnippet();

    await logOut(sessions, other.session.id, laptop.session);
    await logOut(sessions, phone.session.id, laptop.session);

    const live = async (token: string): Promise<boolean> => (await sessions.validate(token, { touch: false })).ok;
    expect({ other: await live(other.token), phone: await live(phone.token), laptop: await live(laptop.token) }).toEqual({ other: true, phone: false, laptop: true });
  });
});
