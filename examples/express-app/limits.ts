// The demo's session limits, in one place: the manager is configured with them and the pages
// describe them.

/** Browser sessions one person may have at once; a sign-in beyond signs out the least recently used. */
export const MAX_BROWSER_SESSIONS = 3;

/**
 * The manager's `freshAge` (its default): how long after typing the password a session may
 * end other sessions or change the email or password.
 */
export const FRESH_AGE_MINUTES = 10;
