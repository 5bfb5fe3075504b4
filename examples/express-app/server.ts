import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS } from '../shared/demo-users.js';
import { MissingDevDependency } from './dev-dependencies.js';
import { startKeystone, type RunningKeystone } from './start.js';

// Usage: node <built server.js> [--memory | --data <folder>] [--port 3000] [--host localhost] [--password-change others|all] [--idp] [--rotate]
// `npm run demo` builds this file and passes --data examples/express-app/data.
const { values } = parseArgs({
  options: {
    memory: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    host: { type: 'string', default: process.env.HOST ?? 'localhost' },
    data: { type: 'string' },
    'password-change': { type: 'string', default: 'others' },
    // A local OpenID provider beside the demo, for "Sign in with the identity provider".
    idp: { type: 'boolean', default: false },
    // Rotation of remember-me cookies, on a short interval so a person can watch it happen.
    rotate: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number (got ${values.port}).`);
  process.exit(1);
}
const onPasswordChange = values['password-change'];
if (onPasswordChange !== 'others' && onPasswordChange !== 'all') {
  console.error(`--password-change must be "others" or "all" (got ${onPasswordChange}).`);
  process.exit(1);
}
if (!values.memory && values.data === undefined) {
  console.error('Pass --data <folder> for the SQLite file, or --memory.');
  process.exit(1);
}

/** `--rotate`: a new remember-me secret every 30 seconds of use; the previous cookie works 10 seconds more. */
const DEMO_ROTATION = { rotateAfter: 30_000, rotationGrace: 10_000 };

let running: RunningKeystone;
try {
  running = await startKeystone({
    ...(values.memory ? { store: 'memory' } : { store: 'sqlite', dataDir: values.data! }),
    onPasswordChange,
    port,
    host: values.host,
    identityProvider: values.idp,
    rotation: values.rotate ? DEMO_ROTATION : undefined,
  });
} catch (error) {
  // One line a person can act on, not a stack trace.
  if (error instanceof MissingDevDependency) {
    console.error(error.message);
    process.exit(1);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
  // The usual cause is a demo already running.
  const problem = code === 'EADDRINUSE' ? 'is already in use (is the demo already running?)' : 'cannot be opened by this user';
  console.error(`Port ${port} on ${values.host} ${problem}. Pick another one: npm run demo -- --port ${port === 3000 ? 3001 : 3000}`);
  process.exit(1);
}
const { url, demo, issuer } = running;

const tenantName = (id: string): string => DEMO_TENANTS.find((tenant) => tenant.id === id)?.name ?? id;
const shortPath = (path: string): string => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));
console.log(`
Keystone: the session-revocation demo is running at ${url}

Store: ${demo.filename === undefined ? 'memory (everything is gone when this process stops)' : `SQLite, ${shortPath(demo.filename)} (sessions survive a restart)`}
Demo accounts, all with the password "${DEMO_PASSWORD}":
${DEMO_USERS.map((user) => `  ${user.email.padEnd(20)} ${user.name.padEnd(14)} ${user.role} of ${tenantName(user.tenantId)}`).join('\n')}

Open ${url} in a browser. Sign in as the same person in two different browsers
(say Chrome and Firefox, or a laptop and a phone), then open Profile. Each browser keeps one
session: a private window of the same browser looks like the same device and replaces the
first one. Audit events are printed below as they happen. Ctrl+C stops the demo.
${
  issuer === undefined
    ? ''
    : `
Identity provider (oidc-provider, in this process): ${issuer}
  The login page offers "Sign in with the identity provider": type a demo account's email on
  the provider's login page, any password, and allow Keystone. Profile then shows where the
  session came from, and "Sign out at the provider" ends it through the provider's
  back-channel logout to ${url}/api/sessions/backchannel-logout.
  Provider console: ${issuer}/console lists those sessions; "Push session-revoked" sends
  ${url}/api/sessions/security-events a signed Shared Signals event (CAEP session-revoked),
  and the Profile page's Activity shows the session ending by the provider's security alert.
  A development set-up, as oidc-provider's warnings above say: its keys and sessions live in
  memory (a restart starts a new provider), and its login page checks no password.
`
}${
  values.rotate
    ? `
Rotation (--rotate): sign in with "Keep me signed in" ticked. After 30 seconds of use the next
  request rotates the cookie's secret (the session keeps its id: one row on Profile); the
  previous cookie works 10 seconds more. Copy the cookie to another browser before a rotation
  and use it after: both are signed out ("token_reused" below), and Profile's Activity says why.
`
    : ''
}`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await running.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
