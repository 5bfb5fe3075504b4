import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../../src/testing/framework/client.js';
import { replyExpectation } from '../../src/testing/framework/context.js';

// A wrapper author whose app answers the wrong status reads only the suite's failure: it must say which request, what came back, and the usual cause.
let close = async (): Promise<void> => undefined;
afterEach(() => close());

/** An app as a first wrapper often is: every request to a missing route 404, and the app's sign-in a 500 (an unconverted store outage). */
async function start(): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/login') === true) res.writeHead(500, { 'content-type': 'application/json' }).end('{"statusCode":500}');
    else res.writeHead(404).end('Cannot find any path matching /dashboard.');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const failureOf = (run: () => void): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the expectation passed');
};

describe("the framework suite's status failures", () => {
  const expectReply = replyExpectation(expect);

  it('name the request and the body, and a 404 points at the routes to mount, HEAD included', async () => {
    const reply = await send(await start(), '/dashboard', { method: 'HEAD' });
    const message = failureOf(() => expectReply(reply, 303));
    expect(message).toContain('HEAD /dashboard answered 404, expected 303');
    expect(message).toContain('describeFrameworkConformance');
    expect(message).toContain('HEAD');
  });

  it("a 500 where the library's 503 was due names errorResponse and a framework's wrapped error", async () => {
    const reply = await send(await start(), '/login?user=alice', { method: 'POST' });
    const message = failureOf(() => expectReply(reply, 503));
    expect(message).toContain('POST /login?user=alice answered 500, expected 503');
    expect(message).toContain('errorResponse(');
    expect(message).toContain('re-wraps');
    expect(message).toContain('{"statusCode":500}');
  });
});
