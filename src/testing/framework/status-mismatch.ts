import type { Reply } from './client.js';

// The causes a first wrapper meets most, by the status it answered and the one the suite expected.
const CAUSES: ReadonlyArray<readonly [(actual: number, expected: number) => boolean, string]> = [
  [
    (actual) => actual === 404,
    'the app has no route for it: mount every route the TSDoc of describeFrameworkConformance lists, and let HEAD reach the GET routes (the suite sends both)',
  ],
  [
    (actual, expected) => actual === 500 && expected === 503,
    "a SessionError STORE_UNAVAILABLE thrown by the app's handler reached the framework's own error handling: where your framework catches errors, " +
      'pass the error as the handler threw it to errorResponse(error, request, requestSessions) and send what it returns (where a framework ' +
      "re-wraps thrown errors keeping only their `cause`, as h3 v1 does, catch it around the app's handlers, before it is lost)",
  ],
  [(actual) => actual === 500, "the app threw: the server's log has the error"],
  [
    (actual, expected) => actual < 300 && expected >= 300,
    'the handler ran where a guard should have answered: put the route behind the guards the TSDoc of describeFrameworkConformance names, and stop at the first that answers',
  ],
];

/** The failure of a reply whose status is not the one expected: which request, what it answered, the likely cause and the start of the body. */
export function statusMismatch(reply: Reply, expected: number): string {
  const cause = CAUSES.find(([matches]) => matches(reply.status, expected))?.[1];
  const body = reply.body.length > 200 ? `${reply.body.slice(0, 200)}…` : reply.body;
  return `${reply.request} answered ${reply.status}, expected ${expected}${cause === undefined ? '' : `: ${cause}`}.${body === '' ? '' : ` Body: ${body}`}`;
}
