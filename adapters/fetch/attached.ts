import type { RequestSessions } from '../../src/http/index.js';

// A `Request` cannot carry a property the way `req.sessions` does in Node frameworks; the
// handler files the request's `sessions` here, and it goes when the request is collected.
const attached = new WeakMap<Request, RequestSessions>();

/** Files the `sessions` object of a request for the guards and the session routes. */
export function attach(request: Request, sessions: RequestSessions): void {
  attached.set(request, sessions);
}

/** The `sessions` object the handler attached to `request`, if it ran. */
export function sessionsOf(request: Request): RequestSessions | undefined {
  return attached.get(request);
}
