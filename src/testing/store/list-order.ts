import type { CreatedSession } from '../../manager/api.js';
import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser } from './fixtures.js';

const MINUTE = 60_000;

/** The session list's documented order; times a millisecond apart catch a store that keeps them coarser. */
export function describeListOrder({ describe, it, expect, raw, sibling }: StoreSuiteContext): void {
  describe('the list of sessions', () => {
    it('lists the current session first, then the most recently used, ties by newest sign-in, on both servers', async () => {
      let now = Date.now();
      const one = createSessionManager({ store: raw(), clock: () => now });
      const two = createSessionManager({ store: await sibling(), clock: () => now });
      const user = freshUser();
      const made: CreatedSession[] = [];
      for (let index = 0; index < 6; index++) {
        now += 1;
        made.push(await (index % 2 === 0 ? one : two).create({ userId: user }));
      }
      const [a, b, c, d, e, f] = made.map(({ session }) => session.id) as [string, string, string, string, string, string];
      // Past the touch interval, validation records the use: c, then a and e in the same millisecond.
      now += 2 * MINUTE;
      expect((await one.validate(made[2]!.token)).ok).toBe(true);
      now += 1;
      expect((await two.validate(made[0]!.token)).ok).toBe(true);
      expect((await one.validate(made[4]!.token)).ok).toBe(true);
      // Never used since sign-in: f, d, b by their sign-in.
      for (const server of [one, two]) {
        expect((await server.list(user)).map((view) => view.id)).toEqual([e, a, c, f, d, b]);
        expect((await server.list(user, { currentSessionId: d })).map((view) => view.id)).toEqual([d, e, a, c, f, b]);
      }
    });
  });
}
