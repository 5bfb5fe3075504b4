export interface Visit {
  readonly url: URL;
  readonly response: Response;
}

export interface RequestInit {
  readonly method?: string;
  /** Sent as `application/x-www-form-urlencoded`, with `POST` unless `method` says otherwise. */
  readonly form?: Record<string, string>;
}

export class Browser {
  /** `headers`: sent with every request (a User-Agent, so two browsers are two devices; `Accept`). */
  constructor(options?: { readonly headers?: Record<string, string> });
  /** One request, with this host's cookies; keeps what it sets. Never follows redirects. */
  fetch(url: URL | string, init?: RequestInit): Promise<Response>;
  /** Follows redirects from `url` (at most 20) and answers the first page that is not one. */
  visit(url: URL | string, init?: RequestInit): Promise<Visit>;
}

/** The first form of a page: where it posts and its hidden fields. */
export function formOf(html: string, base: URL): { action: URL; fields: Record<string, string> };

/**
 * Opens `<appUrl>/login` and goes through the provider's pages as a user would (its login page,
 * any password, then its consent page) until the browser is back at the app; throws on any
 * other page. Answers the app's page it came back to (its redirect URI, when all went well).
 */
export function signInThroughProvider(browser: Browser, appUrl: string, user?: string): Promise<Visit>;

/**
 * Opens the provider's end-session page (RP-initiated logout) and answers the request its
 * "Yes, sign me out" button sends, for the caller to send when it chooses; throws when the
 * page is not that confirmation.
 */
export function logoutConfirmation(browser: Browser, endSessionUrl: URL | string): Promise<{ action: URL; form: Record<string, string> }>;
