import { createSessionManager, memoryStore, type SessionManager } from 'session-revocation';
import { sessionHandler, sessionRoutes } from 'session-revocation/fetch';

// Next.js loads middleware and each route handler as separate bundles: one manager (and one
// memory store) per process, kept on globalThis, so they all see the same sessions. With the
// SQLite, Redis or PostgreSQL store, every instance shares the database instead.
const shared = globalThis as typeof globalThis & { sessionManager?: SessionManager };

export const sessions = (shared.sessionManager ??= createSessionManager({ store: memoryStore() }));

/** Wraps a route handler (or the middleware): the request's sessions as the second argument. */
export const withSessions = sessionHandler(sessions, { loginPath: '/login' });

/** The library's JSON routes, under /api/sessions. */
export const routes = sessionRoutes(sessions, { prefix: '/api/sessions' });
