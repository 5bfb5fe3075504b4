import { watchSession } from '../../../src/client/index.js';

/**
 * The live sign-out script of the signed-in pages, served as /assets/live.js: the library's
 * `watchSession()` from `session-revocation/client` (served as /assets/session-client.js) on the
 * session routes' events stream. When this device's session ends (signed out from another
 * device, by an admin, expired), the page goes to /login?next=…&reason=session_revoked, whose
 * notice says why, without waiting for a click.
 *
 * An app with a bundler imports `watchSession` from 'session-revocation/client'; the demo has
 * no build step for the browser, so it serves the function as it is: it is self-contained
 * (no imports, no module state) for exactly this.
 */
// As an expression: whatever name a bundler gave the function, the export is `watchSession`.
export const SESSION_CLIENT_SCRIPT = `export const watchSession = ${watchSession.toString()};\n`;

export const LIVE_SCRIPT = `import { watchSession } from '/assets/session-client.js';
watchSession({ url: '/api/sessions/events', loginUrl: '/login' });
`;
