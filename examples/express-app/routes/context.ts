import type { Request, RequestHandler, Response } from 'express';
import type { SessionManager } from '../../../src/index.js';
import { canManage } from '../../shared/demo-users.js';
import type { Accounts } from '../accounts.js';
import type { Activity } from '../activity.js';
import type { FederatedSignIn } from '../federated-sign-in.js';
import type { Outbox } from '../outbox.js';
import type { ResetLinks } from '../reset-links.js';
import { forbiddenPage } from '../views/errors.js';
import type { SafeHtml } from '../views/html.js';
import type { Viewer } from '../views/layout.js';

/** What every route module is built from. */
export interface Deps {
  readonly sessions: SessionManager;
  readonly accounts: Accounts;
  readonly activity: Activity;
  readonly resetLinks: ResetLinks;
  readonly outbox: Outbox;
  /** `policy.onPasswordChange === "others"`: the device that changes the password stays signed in. */
  readonly keepsThisDevice: boolean;
  /** `--rotate`: "Keep me signed in" makes a `remember` session (rotated), else a persistent `browser` one. */
  readonly rememberKind: boolean;
  readonly clock: () => number;
  /** With `--idp`: the sign-in through the local identity provider. */
  readonly federatedSignIn: FederatedSignIn | undefined;
}

/** The signed-in user of a request that passed `requireSession()`. */
export function viewerOf(req: Request, accounts: Accounts): Viewer {
  const userId = req.sessions.userId;
  const user = userId === null ? undefined : accounts.userById(userId);
  const tenant = user === undefined ? undefined : accounts.tenant(user.tenantId);
  if (user === undefined || tenant === undefined) throw new Error('A signed-in request has no account: was requireSession() mounted on this route?');
  // Set during support access ("View as"), from the session or an access token's `act` claim.
  const { impersonatorId } = req.sessions;
  return { user, tenant, supportBy: impersonatorId === null ? undefined : accounts.userById(impersonatorId) };
}

/** A cookie of the request, as sent (the demo's own cookies hold URL-safe values). */
export function cookieOf(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** A form field as a string: missing, repeated or non-string values read as "". */
export function field(req: Request, name: string): string {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return '';
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/** Pages carry personal data: never cached, so the Back button after signing out shows nothing. */
export function sendPage(res: Response, page: SafeHtml, status = 200): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(page.value);
}

export function nameLookup(accounts: Accounts): (userId: string) => string {
  return (userId) => accounts.userById(userId)?.name ?? userId;
}

/** Tenant owners and admins only; put after `requireSession()`. */
export function managersOnly(accounts: Accounts): RequestHandler {
  return function managersOnly(req, res, next) {
    const viewer = viewerOf(req, accounts);
    if (canManage(viewer.user.role)) next();
    else sendPage(res, forbiddenPage(viewer), 403);
  };
}

/** A plausible address nobody else uses; the browser checks the shape too. */
export function emailProblem(email: string, current: string, accounts: Accounts): string | undefined {
  if (!/^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/.test(email) || email.length > 254) return 'Enter an email address such as name@example.com.';
  if (email.toLowerCase() === current.toLowerCase()) return 'That is already your email address.';
  if (accounts.userByEmail(email) !== undefined) return 'Another account uses that email address.';
  return undefined;
}

/** The demo's password rule; the browser checks the length too. */
export function passwordProblem(password: string, confirm: string): string | undefined {
  if (password.length < 10) return 'Choose a password of at least 10 characters.';
  if (password.length > 200) return 'Choose a password of at most 200 characters.';
  if (password !== confirm) return 'The two new passwords differ.';
  return undefined;
}
