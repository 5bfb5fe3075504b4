import type { RequestSessions } from '../../src/http/index.js';

// A WeakMap, since a `Request` cannot carry a property as `req.sessions` does.
const attached = new WeakMap<Request, RequestSessions>();

/** Files the `sessions` object of a request for the guards and the session routes. */
export function attach(request: Request, sessions: RequestSessions): void {
  attached.set(request, sessions);
}

/** The `sessions` object the handler attached to `request`, if it ran. */
export function sessionsOf(request: Request): RequestSessions | undefined {
  return attached.get(request);
}
