import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

// docs/live-sign-out.md shows the bytes of the events route: they must be the ones it sends.
const guide = readFileSync(resolve(import.meta.dirname, '../../docs/live-sign-out.md'), 'utf8');
const oneLine = guide.replace(/\s+/g, ' ');
const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };

/** What the route writes as a stream opens, before any revocation. */
async function opening(): Promise<string> {
  const manager = createSessionManager();
  const { token } = await manager.create({ userId: 'ada' });
  const sessions = await createSessionHttp(manager).attach(fakeRequest({ url: '/sessions/events', headers: { cookie: `session=${token}`, 'sec-fetch-site': 'same-origin' } }), target);
  const response = await createSessionRoutes(manager, { events: true }).respond(sessions);
  let written = '';
  const close = response!.stream!.open({ write: (chunk) => void (written += chunk), end: () => undefined });
  close();
  await manager.close();
  return written;
}

it("the guide's example stream begins with what the route sends first, and its words name that first line", async () => {
  const sent = await opening();
  const example = /```text\n([\s\S]*?)```/.exec(guide)![1]!;
  expect(example.startsWith(sent)).toBe(true);
  const first = sent.split('\n')[0]!;
  expect(oneLine).toContain(`\`${first}\` comes first`);
  expect(oneLine).not.toMatch(/`[^`]+` is the first thing sent/);
});

it('the guide says where a page has Web Locks as browsers grant them: a secure context, 127.0.0.1 as well as localhost', () => {
  expect(oneLine).toContain('Where a page has no Web Locks (not a secure context: a page served over plain `http` from a host other than `localhost` or a loopback address such as `127.0.0.1`)');
});
