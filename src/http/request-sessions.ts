import type { AccessTokenClaims } from '../access-tokens/index.js';
import { isSessionError, SessionError } from '../errors.js';
import type { CreatedSession, CreateSessionInput, CredentialChangeResult, RevokeOthersResult, SignOutResult } from '../manager/api.js';
import { supportTenant } from '../manager/audit.js';
import type { Session, SessionView } from '../session.js';
import { serializeClearedCookie, serializeSessionCookie } from './cookies.js';
import { callOptions, optionKeys } from '../option-checks.js';
import { clientIp } from './proxy.js';
import { preferredLocale } from './locale.js';
import type { Authentication, RequestState } from './request-state.js';
import { isFreshRequest } from './freshness.js';
import { NOT_STORED } from './response.js';

/** What an app passes to {@link RequestSessions.signIn}; User-Agent and IP come from the request. */
export type SignInInput = Omit<CreateSessionInput, 'userAgent' | 'ip' | 'previousToken'>;

/**
 * The object every wrapper attaches to a request (`req.sessions`, `request.sessions`, `ctx.sessions`): its session and the actions bound to it.
 * Cookie changes are written on the response at once, with `no-store` in `Cache-Control`, `CDN-Cache-Control` and `Surrogate-Control`;
 * one that would come after the response was sent (an action not awaited) rejects with `INVALID_CONFIGURATION` instead, where the wrapper can tell, and leaves no session nobody holds.
 */
export interface RequestSessions {
  /** The validated session of the cookie (or Bearer session token), or `null`. */
  readonly current: Session | null;
  /** The claims of a verified Bearer access token (middleware option `accessTokens`), or `null`. */
  readonly accessToken: AccessTokenClaims | null;
  /** The signed-in user: from {@link current} or {@link accessToken}, else `null`. */
  readonly userId: string | null;
  /** Who is acting as the user on a support session (for a "viewing as …" banner), else `null`. */
  readonly impersonatorId: string | null;
  /** `"unavailable"` when the store could not be read: `current` is `null`, nobody was signed out, `requireSession` answers `503`. */
  readonly status: 'authenticated' | 'anonymous' | 'unavailable';
  /**
   * Mints a session, sets the cookie (session-only with `persistent: false`) and revokes any session token the request presented.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT`, `STORE_UNAVAILABLE`; `SESSION_LIMIT` (`onMaxSessions: "refuse"`);
   * `UNAUTHENTICATED` when the user's sessions were ended (a password change) while it was under way: check the credentials again.
   */
  signIn(input: SignInInput): Promise<CreatedSession>;
  /** Whether the session signed in or re-authenticated within `maxAge` ms (default the manager's `freshAge`); `false` without one. */
  isFresh(maxAge?: number): boolean;
  /**
   * Records that the user just proved who they are again: the same session is fresh for `freshAge` (the `reauth=1` form).
   * @returns The session with its new `authenticatedAt`, or `null` when it is no longer live.
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` without a session, `STORE_UNAVAILABLE`
   */
  reauthenticated(): Promise<Session | null>;
  /**
   * Signs this device out (every device when the `globalLogout` policy says so, unless `thisDeviceOnly` or a support session) and clears the cookie.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` (the cookie is kept, so the user can retry)
   */
  signOut(options?: { readonly thisDeviceOnly?: boolean | undefined }): Promise<SignOutResult>;
  /**
   * Signs the user out of every session of the manager's `everywhereKinds` and of this one, whatever its kind, and clears the cookie.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`
   */
  signOutEverywhere(): Promise<void>;
  /**
   * Signs out every other device of the user; this one stays.
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` without a session, `STORE_UNAVAILABLE`
   */
  signOutOthers(): Promise<RevokeOthersResult>;
  /**
   * The user's live sessions, this one first and marked `current`; `kinds` limits the list, `locale` is the texts' (by default the first language
   * of the request's `Accept-Language`, as the JSON route's).
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` without a session, `INVALID_INPUT` for unknown `kinds`, `STORE_UNAVAILABLE`
   */
  list(options?: { readonly locale?: string | undefined; readonly kinds?: readonly string[] | undefined }): Promise<SessionView[]>;
  /**
   * After a password change: signs out every other device; this one gets a fresh session (cleared with `onPasswordChange: "all"`).
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` without a session, `STORE_UNAVAILABLE` (when only the fresh session
   * failed, every device, this one included, was signed out first: its next request is signed out)
   */
  passwordChanged(): Promise<CredentialChangeResult>;
  /**
   * After an email change: every other device is signed out; this one gets a fresh session and cookie.
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` without a session, `STORE_UNAVAILABLE` (as for `passwordChanged`)
   */
  emailChanged(): Promise<CredentialChangeResult>;
  /**
   * Revokes one of the user's own sessions (another user's counts as not found); this device's is a {@link RequestSessions.signOut}
   * (the global-logout policy included), and answers `true`.
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` without a session, `STORE_UNAVAILABLE`
   */
  revoke(sessionId: string): Promise<boolean>;
}

type Identity = { readonly id: string; readonly userId: string; readonly tenantId?: string | undefined; readonly impersonatorId?: string | undefined };

const SIGN_IN_KEYS = optionKeys<SignInInput>({ userId: true, kind: true, tenantId: true, data: true, persistent: true, federated: true });
const THIS_DEVICE_KEYS = optionKeys<Parameters<RequestSessions['signOut']>[0] & object>({ thisDeviceOnly: true });
const LIST_KEYS = optionKeys<Parameters<RequestSessions['list']>[0] & object>({ locale: true, kinds: true });

/** The state of a request that presented no session, or whose session just ended. */
export const SIGNED_OUT: Authentication = { status: 'anonymous', reason: 'missing' };

// After the response went out the cookie would never arrive: the usual cause is the app's missing `await`, which `action` names.
function refuseOnceSent({ target }: RequestState, action: string, cause?: unknown): void {
  if (target.headersSent === true) {
    throw new SessionError('INVALID_CONFIGURATION', `${action} ended after the response was sent, so the session cookie it sets never reaches the browser: await ${action} before sending the response.`, cause === undefined ? undefined : { cause });
  }
}

function writeCookie(state: RequestState, value: string, action: string): void {
  refuseOnceSent(state, action);
  state.target.appendSetCookie(value);
  // Every cache header, CDN-Cache-Control (RFC 9213) and Surrogate-Control included: shared caches obey them even after the handler replaced Cache-Control (a rotation on a public page).
  for (const [name, value] of Object.entries(NOT_STORED)) state.target.setHeader(name, value);
}

/** The cookie that deletes the session cookie; none for a `Bearer` credential, nor after two different tokens, where it would delete the real one and leave a planted one (another path or domain) to sign the next request in. */
export function clearingCookie({ cookie, credential, options }: RequestState): string | undefined {
  return credential.from !== 'bearer' && credential.presented.length < 2 ? serializeClearedCookie(cookie.name, cookie.secure, options.cookie) : undefined;
}

// Signed out from here on. After the response went out (not awaited) the session is ended all the same: the cookie goes at its next request.
function signedOut(state: RequestState, action: string): void {
  state.auth = SIGNED_OUT;
  const clear = clearingCookie(state);
  if (clear !== undefined && state.target.headersSent !== true) writeCookie(state, clear, action);
}

function identity({ auth }: RequestState): Identity | undefined {
  if (auth.status !== 'authenticated') return undefined;
  if (auth.session !== null) return auth.session;
  return auth.claims === null ? undefined : { id: auth.claims.sid, userId: auth.claims.sub, tenantId: auth.claims.tid, impersonatorId: auth.claims.act?.sub };
}

// Who signed in, if anyone; an outage must not look like "nobody is signed in": actions refuse instead.
function knownIdentity(state: RequestState): Identity | undefined {
  const { auth } = state;
  if (auth.status !== 'unavailable') return identity(state);
  throw isSessionError(auth.error) ? auth.error : new SessionError('STORE_UNAVAILABLE', 'The session store could not be read for this request.', { cause: auth.error });
}

function signedIn(state: RequestState, action: string): Identity {
  const who = knownIdentity(state);
  if (who === undefined) throw new SessionError('UNAUTHENTICATED', `${action}() needs a signed-in request: put requireSession() in front of it.`);
  return who;
}

/** Writes `token` as the session cookie, living as long as the session has from its sign-in or last rotation; `action` is named should the response be sent already. */
export function writeSessionCookie(state: RequestState, token: string, session: Session, action: string): void {
  const { cookie, options } = state;
  const maxAge = session.persistent === false ? undefined : (session.expiresAt - (session.rotatedAt ?? session.lastUsedAt)) / 1000;
  writeCookie(state, serializeSessionCookie(cookie.name, token, maxAge, cookie.secure, options.cookie), action);
}

// A session whose cookie can no longer be sent is ended before the refusal: nobody holds it, yet it would be listed and count against maxSessions.
async function setCookie(state: RequestState, created: CreatedSession, action: string): Promise<void> {
  if (state.target.headersSent === true) {
    state.auth = SIGNED_OUT;
    const { id, userId } = created.session;
    const notEnded = await state.manager.revoke(id, { userId }).then(() => undefined, (failure: unknown) => failure);
    refuseOnceSent(state, action, notEnded);
  }
  writeSessionCookie(state, created.token, created.session, action);
  state.auth = { status: 'authenticated', session: created.session, claims: null };
}

// A credential change keeps this device on a fresh token when the manager hands one back.
async function credentialChanged(state: RequestState, change: 'passwordChanged' | 'emailChanged'): Promise<CredentialChangeResult> {
  const who = signedIn(state, change);
  const result = await state.manager[change](who.userId, { currentSessionId: who.id, tenantId: who.tenantId, by: who.impersonatorId });
  if (result.token !== undefined && result.session !== undefined) await setCookie(state, { token: result.token, session: result.session }, `${change}()`);
  else signedOut(state, `${change}()`);
  return result;
}

/** The per-request {@link RequestSessions}: one allocation, methods on the prototype. */
export class BoundSessions implements RequestSessions {
  readonly #state: RequestState;

  constructor(state: RequestState) {
    this.#state = state;
  }

  static stateOf(value: unknown): RequestState | undefined {
    return typeof value === 'object' && value !== null && #state in value ? (value as BoundSessions).#state : undefined;
  }

  get current(): Session | null {
    const { auth } = this.#state;
    return auth.status === 'authenticated' ? auth.session : null;
  }

  get accessToken(): AccessTokenClaims | null {
    const { auth } = this.#state;
    return auth.status === 'authenticated' ? auth.claims : null;
  }

  get userId(): string | null {
    return identity(this.#state)?.userId ?? null;
  }

  get impersonatorId(): string | null {
    return identity(this.#state)?.impersonatorId ?? null;
  }

  get status(): RequestSessions['status'] {
    return this.#state.auth.status;
  }

  async signIn(input: SignInInput): Promise<CreatedSession> {
    const state = this.#state;
    const { manager, request, options } = state;
    const given = callOptions('signIn()', input, SIGN_IN_KEYS);
    refuseOnceSent(state, 'signIn()');
    // Every session token this request presented ends once the new session exists.
    const created = await manager.create({ ...given, userAgent: request.header('user-agent'), ip: clientIp(request, options.trustProxy), previousToken: state.credential.presented });
    await setCookie(state, created, 'signIn()');
    return created;
  }

  isFresh(maxAge?: number): boolean {
    return isFreshRequest(this.#state, maxAge);
  }

  async reauthenticated(): Promise<Session | null> {
    const state = this.#state;
    const who = signedIn(state, 'reauthenticated');
    const session = await state.manager.reauthenticated(who.id);
    // Guards later in this same request see the fresh session.
    if (session !== null && state.auth.status === 'authenticated' && state.auth.session !== null) state.auth = { status: 'authenticated', session, claims: null };
    return session;
  }

  async signOut(options?: { readonly thisDeviceOnly?: boolean | undefined }): Promise<SignOutResult> {
    const state = this.#state;
    const { thisDeviceOnly } = callOptions('signOut()', options, THIS_DEVICE_KEYS);
    const who = knownIdentity(state);
    const result = who === undefined ? { global: false } : await state.manager.signOut(who, { by: who.impersonatorId, thisDeviceOnly });
    signedOut(state, 'signOut()');
    return result;
  }

  async signOutEverywhere(): Promise<void> {
    const state = this.#state;
    const who = knownIdentity(state);
    // The user's own "everywhere" covers every organization: a tenantId limits it to one.
    if (who !== undefined) {
      await state.manager.revokeAll(who.userId, { by: who.impersonatorId, reason: 'sign_out_everywhere', tenantId: supportTenant(who) });
      // This one too, of a kind the everywhere kinds leave (an API token): already ended, it changes nothing.
      await state.manager.revoke(who.id, { by: who.impersonatorId, reason: 'sign_out_everywhere', userId: who.userId });
    }
    signedOut(state, 'signOutEverywhere()');
  }

  async signOutOthers(): Promise<RevokeOthersResult> {
    const who = signedIn(this.#state, 'signOutOthers');
    return this.#state.manager.revokeOthers(who.userId, who.id);
  }

  async list(listOptions?: { readonly locale?: string | undefined; readonly kinds?: readonly string[] | undefined }): Promise<SessionView[]> {
    const { locale, kinds } = callOptions('list()', listOptions, LIST_KEYS);
    const who = signedIn(this.#state, 'list');
    const rows = await this.#state.manager.list(who.userId, { currentSessionId: who.id, locale: locale ?? preferredLocale(this.#state.request.header('accept-language')), kinds });
    const tenant = supportTenant(who);
    return tenant === undefined ? rows : rows.filter((row) => row.tenantId === tenant);
  }

  passwordChanged(): Promise<CredentialChangeResult> {
    return credentialChanged(this.#state, 'passwordChanged');
  }

  emailChanged(): Promise<CredentialChangeResult> {
    return credentialChanged(this.#state, 'emailChanged');
  }

  async revoke(sessionId: string): Promise<boolean> {
    const state = this.#state;
    const who = signedIn(state, 'revoke');
    if (sessionId === who.id) return (await this.signOut(), true);
    return state.manager.revoke(sessionId, { userId: who.userId, tenantId: supportTenant(who), by: who.impersonatorId });
  }
}

/** The state behind a {@link RequestSessions}; `undefined` when it was not made here. */
export const stateOf: (sessions: RequestSessions | undefined) => RequestState | undefined = BoundSessions.stateOf;
