import { readLimited } from '../read-limited.js';

/** How long after a failed fetch a URL is not fetched again, in ms. */
export const RETRY_AFTER_FAILURE = 10_000;

/** Raised when the provider's metadata or keys cannot be fetched: not the token's fault. `status`: the HTTP status it answered. */
export class KeysUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions, readonly status?: number) {
    super(message, options);
  }
}

/**
 * Fetches a URL's JSON, one fetch at a time and none during a back-off after a failure, so no sender
 * can make the app hammer a provider. `key` (the URL by default) is what is joined and backed off.
 */
export type ProviderFetch = <T>(url: string, read: () => Promise<T>, key?: string) => Promise<T>;

/** The fetcher of one manager, its back-off measured on the manager's `clock`. */
export function createProviderFetch(clock: () => number): ProviderFetch {
  const pending = new Map<string, Promise<unknown>>();
  const failures = new Map<string, { at: number; error: unknown }>();
  return function fetchOnce<T>(url: string, read: () => Promise<T>, key = url): Promise<T> {
    const running = pending.get(key);
    if (running !== undefined) return running as Promise<T>;
    const failed = failures.get(key);
    const now = clock();
    // A clock set back ends the back-off rather than stretching it.
    if (failed !== undefined && now >= failed.at && now < failed.at + RETRY_AFTER_FAILURE) {
      const reason = failed.error instanceof Error ? failed.error.message : String(failed.error);
      return Promise.reject(new KeysUnavailable(`${url} failed less than ${RETRY_AFTER_FAILURE / 1000} s ago and is not fetched again before then (${reason}).`, { cause: failed.error }));
    }
    const run = Promise.resolve()
      .then(read)
      .then(
        (value) => {
          failures.delete(key);
          return value;
        },
        (error: unknown) => {
          failures.set(key, { at: clock(), error });
          throw error;
        },
      )
      .finally(() => pending.delete(key));
    pending.set(key, run);
    return run;
  };
}

/** The largest provider document read (discovery, a key set), in bytes. */
export const PROVIDER_BODY_LIMIT = 1024 * 1024;

/** The JSON at `url`, at most `limit` bytes of it; a failure is {@link KeysUnavailable}, but a timeout stays a TimeoutError for jose. */
export async function readJson(url: string, init: RequestInit, limit = PROVIDER_BODY_LIMIT): Promise<unknown> {
  const response = await fetch(url, init).catch(unavailable(`${url} could not be reached.`));
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new KeysUnavailable(`${url} answered ${response.status}.`, undefined, response.status);
  }
  const text = await boundedText(response, limit).catch(unavailable(`${url} broke off its answer.`));
  if (text === undefined) throw new KeysUnavailable(`${url} answered more than ${limit} bytes.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new KeysUnavailable(`${url} did not answer JSON.`, { cause: error });
  }
}

// A timeout, while connecting or reading the body, stays a TimeoutError: jose reports it as its own.
const unavailable = (message: string) => (error: unknown): never => {
  if (error instanceof Error && error.name === 'TimeoutError') throw error;
  throw new KeysUnavailable(message, { cause: error });
};

/** A response's text as `response.json()` decodes it, or `undefined` past `limit` bytes (a declared length past it is not read at all). */
export async function boundedText(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (response.body === null) return '';
  const bytes = await readLimited(response.body, limit);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
