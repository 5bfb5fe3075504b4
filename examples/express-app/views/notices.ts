/**
 * Messages shown after a redirect, chosen by key (`?notice=signed-out`): only these fixed
 * texts can appear, so a crafted link cannot put words on the page.
 */
const NOTICES = {
  'signed-out': { tone: 'info', text: 'You are signed out of this device. Your other devices stay signed in.' },
  'global-logout': { tone: 'info', text: 'You are signed out. Your organization has global logout on, so every device you used was signed out too.' },
  'signed-out-everywhere': { tone: 'info', text: 'You were signed out of every device, including this one. Sign in again to continue.' },
  'password-reset': { tone: 'success', text: 'Your password was reset and every device was signed out. Sign in with your new password.' },
  'password-changed-everywhere': { tone: 'success', text: 'Password changed. Every device was signed out, this one too. Sign in with your new password.' },
  'password-changed': { tone: 'success', text: 'Password changed. Your other devices were signed out; this one stays signed in.' },
  'email-changed': { tone: 'success', text: 'Email address changed. Your other devices were signed out; this one stays signed in.' },
  'device-logged-out': { tone: 'success', text: 'That device was logged out. Its next request goes to the login page.' },
  'device-gone': { tone: 'info', text: 'That device was already signed out.' },
  'others-logged-out': { tone: 'success', text: 'Every other device was logged out. Only this one is still signed in.' },
  'settings-saved': { tone: 'success', text: 'Settings saved. They apply to everyone in your organization from now on.' },
  'member-signed-out': { tone: 'success', text: 'Your teammate was signed out of every device. Their API tokens still work.' },
  'member-api-tokens-revoked': { tone: 'success', text: "Your teammate's API tokens were revoked. Their browser sessions are unchanged." },
  'support-access-ended': { tone: 'info', text: 'Support access ended. Your teammate sees it in their activity.' },
  'session-revoked': { tone: 'info', text: 'You were signed out from another device (or by an administrator). Sign in again to continue.' },
  'session-expired': { tone: 'info', text: 'Your session expired. Sign in again to continue.' },
  'session-reused': { tone: 'info', text: "Your session on this device was used from two places, so we signed it out. If this wasn't you, change your password after signing in." },
  'session-revoked-idp': { tone: 'info', text: 'You were signed out from another device, by an administrator or at the identity provider. Sign in again to continue.' },
  'idp-signed-out': { tone: 'info', text: "You signed out at the identity provider, and its back-channel logout ended this device's Keystone session." },
  'idp-session-still-live': { tone: 'info', text: 'The identity provider sent you back, but no back-channel logout from it ended this session: you are still signed in here.' },
  'idp-sign-in-failed': { tone: 'info', text: 'The identity provider did not sign you in (cancelled, or the sign-in took too long). Try again, or sign in with your password.' },
  'idp-no-account': { tone: 'info', text: "The identity provider signed in someone without a Keystone account. Sign in there with a demo account's email." },
  'idp-unavailable': { tone: 'info', text: 'The identity provider could not be reached. Sign in with your password, or try again in a moment.' },
} as const satisfies Record<string, { tone: 'info' | 'success'; text: string }>;

export type NoticeKey = keyof typeof NOTICES;
export type Notice = (typeof NOTICES)[NoticeKey];

/** The notice for a query value, if it names one. */
export function noticeFor(key: unknown): Notice | undefined {
  return typeof key === 'string' && Object.hasOwn(NOTICES, key) ? NOTICES[key as NoticeKey] : undefined;
}

/**
 * The notice for the login redirect's `reason` (`/login?next=/profile&reason=session_revoked`),
 * which the session middleware adds when the session a page was loaded with had been ended.
 * With an identity provider, a revoked session may also have ended there.
 */
export function noticeForLoginReason(reason: unknown, options: { identityProvider: boolean }): Notice | undefined {
  if (reason === 'session_revoked') return NOTICES[options.identityProvider ? 'session-revoked-idp' : 'session-revoked'];
  if (reason === 'session_expired') return NOTICES['session-expired'];
  if (reason === 'session_reused') return NOTICES['session-reused'];
  return undefined;
}
