// Reading a provider's JSON (metadata, keys) so that nothing a sender does can make the app
// hammer a provider, even one that fails: the requests waiting for one URL share one fetch,
// and after a failure that URL is not fetched again for a while (the callers fail meanwhile).

/** How long after a failed fetch a URL is not fetched again, in ms. */
export const RETRY_AFTER_FAILURE = 10_000;

/** Raised when the provider's metadata or keys cannot be fetched: not the token's fault. */
export class KeysUnavailable extends Error {}

/** Fetches a URL's JSON: at most one fetch at a time per URL, none during a back-off after a failure. */
export type ProviderFetch = <T>(url: string, read: () => Promise<T>) => Promise<T>;

/**
 * Creates the fetcher of one manager. What it remembers is bounded by the URLs the app
 * configures and their providers' metadata names.
 *
 * @param clock - The manager's time source: the back-off is measured with it.
 * @returns A function that runs `read` for `url`, or joins the run under way, or fails at once
 * with {@link KeysUnavailable} within {@link RETRY_AFTER_FAILURE} of the last failure.
 */
export function createProviderFetch(clock: () => number): ProviderFetch {
  const pending = new Map<string, Promise<unknown>>();
  const failures = new Map<string, { at: number; error: unknown }>();
  return function fetchOnce<T>(url: string, read: () => Promise<T>): Promise<T> {
    const running = pending.get(url);
    if (running !== undefined) return running as Promise<T>;
    const failed = failures.get(url);
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
          failures.delete(url);
          return value;
        },
        (error: unknown) => {
          failures.set(url, { at: clock(), error });
          throw error;
        },
      )
      .finally(() => pending.delete(url));
    pending.set(url, run);
    return run;
  };
}

/**
 * The provider's JSON at `url`; any failure to read it is the provider's (KeysUnavailable),
 * but a timeout stays a TimeoutError for jose to report as JWKSTimeout.
 */
export async function readJson(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') throw error;
    throw new KeysUnavailable(`${url} could not be reached.`, { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new KeysUnavailable(`${url} answered ${response.status}.`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new KeysUnavailable(`${url} did not answer JSON.`, { cause: error });
  }
}
