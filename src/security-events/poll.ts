import type { ManagerContext } from '../core/context.js';
import { startRepeating } from '../core/timer.js';
import { isSessionError, SessionError } from '../errors.js';
import { oneTimeKeyName } from '../core/claim-once.js';
import { checkProviderUrl } from '../federated/provider-url.js';
import { callable, duration, integer, MAX_TIMER_DELAY, optionsObject } from '../option-checks.js';
import { KeysUnavailable, PROVIDER_BODY_LIMIT, readJson } from '../federated/provider-fetch.js';
import type { SecurityEventError, SecurityEventOptions, SecurityEventResult, SecurityEventTransmitter } from './api.js';
import { checkTransmitters } from './options.js';
import { awaitsKeyFetch, MAX_SET_LENGTH } from './token.js';
import type { SecurityEventPollingOptions, SecurityEventPollOptions, SecurityEventPollResult } from './poll-api.js';

const DEFAULT_MAX_EVENTS = 100;
const MAX_EVENTS = 1_000;
const DEFAULT_INTERVAL = 60_000;
const MIN_INTERVAL = 1_000;
/** Rounds one timed poll runs at most while the transmitter says more are waiting. */
export const MAX_ROUNDS = 10;
const REQUEST_TIMEOUT = 10_000;
const MAX_ENDPOINT_LENGTH = 400;
/** The failures that would fail every SET of a round alike. */
const OUTAGES: ReadonlySet<string> = new Set(['STORE_UNAVAILABLE', 'STORE_ERROR', 'KEYS_UNAVAILABLE', 'CLOSED']);
// An answer holds at most maxEvents SETs of the largest size, with room for their ids and the rest;
// never less than a provider document, so a transmitter that sends more SETs than asked still gets through.
const answerLimit = (maxEvents: number): number => Math.max(maxEvents * (MAX_SET_LENGTH + 1024) + 64 * 1024, PROVIDER_BODY_LIMIT);

/** What one stream is owed (RFC 8936 section 2.4): sent at a round's end, or with the next round when that failed. */
interface Pending {
  ack: string[];
  setErrs: Record<string, { err: SecurityEventError; description: string }>;
}

// The transmitter names the SETs: an id such as "__proto__" must stay a key of setErrs.
const nothingOwed = (): Pending => ({ ack: [], setErrs: Object.create(null) as Pending['setErrs'] });

/** What one round did: its answer, the first failure of a SET's own, and the outage that ended it early. */
interface RoundOutcome {
  readonly result: SecurityEventPollResult;
  readonly failure: unknown;
  readonly outage: unknown;
}

/** The poll side of the receiver, over the manager's context and its `securityEvent()`. */
export interface SecurityEventPolling {
  poll(options: SecurityEventPollOptions): Promise<SecurityEventPollResult>;
  start(options: SecurityEventPollingOptions): () => void;
  /** Stops every timer (the manager's `close()`). */
  stop(): void;
}

/**
 * The poller of one manager. What a round owes the transmitter and could not send is kept here until
 * the next round on that stream; a SET left unacknowledged is only delivered again.
 */
export function createSecurityEventPolling(
  context: ManagerContext,
  securityEvent: (set: unknown, options: SecurityEventOptions) => Promise<SecurityEventResult>,
): SecurityEventPolling {
  const pending = new Map<string, Pending>();
  // Rounds on one stream run one after the other: each sends what the one before learnt.
  const queues = new Map<string, Promise<unknown>>();
  const timers = new Set<() => void>();

  // A 4xx but 429 refuses what the request carried and would refuse it again: it is owed no more. Each SET
  // whose acknowledgement is lost is only delivered again: its jti, done in the store while it is acceptable, is a replay.
  const forgetIfRefused = (key: string) => (error: unknown): never => {
    const status = isSessionError(error) && error.cause instanceof KeysUnavailable ? error.cause.status : undefined;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) pending.delete(key);
    throw error;
  };

  // `thenMore`: the timer runs another round at once when the transmitter has more.
  const round = async (key: string, { transmitter, endpoint, authorization, maxEvents, onRefused }: CheckedPollOptions, thenMore: boolean): Promise<RoundOutcome> => {
    context.ensureOpen();
    const owed = pending.get(key) ?? nothingOwed();
    const answer = await request(endpoint, authorization, { ack: owed.ack, setErrs: owed.setErrs, maxEvents, returnImmediately: true }, answerLimit(maxEvents)).catch(forgetIfRefused(key));
    // The transmitter has what was owed; this round's outcome is owed now.
    const next = nothingOwed();
    pending.set(key, next);
    let accepted = 0;
    let refused = 0;
    let failure: unknown;
    let outage: unknown;
    for (const [jti, set] of Object.entries(answer.sets).slice(0, maxEvents)) {
      let result: SecurityEventResult;
      try {
        result = await securityEvent(set, { transmitters: [transmitter], onRefused });
      } catch (error) {
        // Left unacknowledged, it comes again. An outage ends the round; a failure of this SET's own (the app's resolveSubject or resolveTenant, a key not fetched yet) does not hold up the others.
        if (isSessionError(error) && OUTAGES.has(error.code) && !awaitsKeyFetch(error)) {
          outage = error;
          break;
        }
        failure ??= error;
        continue;
      }
      if (result.ok) {
        next.ack.push(jti);
        accepted += 1;
      } else {
        next.setErrs[jti] = { err: result.err, description: result.description };
        refused += 1;
      }
    }
    // Acknowledged at once (RFC 8936's acknowledge-only request), so a process that polls once and exits owes nothing;
    // unless the timer's next round follows at once and carries it. If that fails, the next round sends it.
    const followed = answer.moreAvailable && failure === undefined && outage === undefined && thenMore;
    // A stream owing nothing is forgotten: one whose authorization changed is another stream.
    if (next.ack.length === 0 && Object.keys(next.setErrs).length === 0) pending.delete(key);
    else if (!followed) await acknowledge(endpoint, authorization, next).then(() => pending.delete(key)).catch(forgetIfRefused(key)).catch((error: unknown) => context.config.onError(error));
    return { result: { accepted, refused, moreAvailable: answer.moreAvailable }, failure, outage };
  };

  const poll = (options: SecurityEventPollOptions): Promise<SecurityEventPollResult> =>
    pollRound(options, false).then(({ result, failure, outage }) => {
      // An outage ended the round: that is the answer, and a SET's own failure before it goes to onError.
      if (outage !== undefined && failure !== undefined) context.config.onError(failure);
      if (outage !== undefined || failure !== undefined) throw outage ?? failure;
      return result;
    });

  const pollRound = async (options: SecurityEventPollOptions, thenMore: boolean): Promise<RoundOutcome> => {
    const checked = checkPollOptions(options);
    const key = streamOf(checked);
    const before = queues.get(key) ?? Promise.resolve();
    const run = before.catch(() => {}).then(() => round(key, checked, thenMore));
    const settled = run.catch(() => {});
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return run;
  };

  const start = (options: SecurityEventPollingOptions): (() => void) => {
    context.ensureOpen();
    const { interval: given, ...pollOptions } = options ?? ({} as SecurityEventPollingOptions);
    const interval = duration('startSecurityEventPolling(): interval', given, DEFAULT_INTERVAL, { min: MIN_INTERVAL, max: MAX_TIMER_DELAY });
    const checked = checkPollOptions(pollOptions);
    const { transmitter } = checked;
    // One instance per interval: whoever claims the interval's one-time key in the store polls.
    const turn = async (): Promise<void> => {
      const slot = Math.floor(context.config.clock() / interval);
      const key = oneTimeKeyName({ scope: 'security_event', issuer: `poll:${streamOf(checked)}`, id: String(slot) });
      const claimed = await context.calls.call('claimKey', () => context.store.claimKey(key, (slot + 2) * interval));
      if (!claimed) return;
      // A SET that keeps failing on its own goes to onError each round, and the round serves the others it holds; an outage ends the turn.
      await pollWhileMore(async (thenMore) => {
        const { result, failure, outage } = await pollRound({ ...pollOptions, transmitter }, thenMore);
        if (failure !== undefined) context.config.onError(failure);
        if (outage !== undefined) throw outage;
        return result;
      }, context.isClosed);
    };
    const stopTimer = startRepeating({ run: turn, interval, onError: context.config.onError, isClosed: context.isClosed });
    const stop = (): void => {
      stopTimer();
      timers.delete(stop);
    };
    timers.add(stop);
    return stop;
  };

  return {
    poll,
    start,
    stop: () => {
      for (const stop of [...timers]) stop();
    },
  };
}

/** Runs rounds while the transmitter says more SETs are waiting, at most {@link MAX_ROUNDS}; each is told whether another may follow. */
export async function pollWhileMore(round: (thenMore: boolean) => Promise<SecurityEventPollResult>, isClosed: () => boolean): Promise<{ rounds: number; moreAvailable: boolean }> {
  let rounds = 0;
  let moreAvailable = true;
  while (moreAvailable && rounds < MAX_ROUNDS && !isClosed()) {
    ({ moreAvailable } = await round(rounds < MAX_ROUNDS - 1));
    rounds += 1;
  }
  return { rounds, moreAvailable };
}

// A stream: a transmitter may serve several at one URL, told apart by the authorization (hashed before it names a store key).
function streamOf({ transmitter, endpoint, authorization }: CheckedPollOptions): string {
  return JSON.stringify([transmitter.issuer, endpoint.href, authorization ?? null]);
}

function invalid(message: string): SessionError {
  return new SessionError('INVALID_CONFIGURATION', `pollSecurityEvents(): ${message}`);
}

interface CheckedPollOptions {
  readonly transmitter: SecurityEventTransmitter;
  readonly endpoint: URL;
  readonly authorization: string | undefined;
  readonly maxEvents: number;
  readonly onRefused: SecurityEventOptions['onRefused'];
}

function checkPollOptions(value: SecurityEventPollOptions): CheckedPollOptions {
  if (value === undefined) throw invalid('options { transmitter, endpoint } are required.');
  const { transmitter, endpoint, authorization, maxEvents, onRefused } = optionsObject('pollSecurityEvents() options', value, ['transmitter', 'endpoint', 'authorization', 'maxEvents', 'onRefused']);
  if (transmitter === undefined) throw invalid('transmitter { issuer, audience } is required.');
  checkTransmitters([transmitter], 'pollSecurityEvents()');
  const url = checkProviderUrl(endpoint, 'pollSecurityEvents(): endpoint');
  // The endpoint names the timer's turn in the store, whose keys are bounded.
  if (url.href.length > MAX_ENDPOINT_LENGTH) throw invalid(`endpoint must be at most ${MAX_ENDPOINT_LENGTH} characters.`);
  if (authorization !== undefined && (typeof authorization !== 'string' || authorization === '' || /[\r\n]/.test(authorization))) {
    throw invalid('authorization must be a header value, such as "Bearer <token>".');
  }
  return {
    transmitter,
    endpoint: url,
    authorization,
    maxEvents: integer('pollSecurityEvents(): maxEvents', maxEvents, DEFAULT_MAX_EVENTS, { min: 1, max: MAX_EVENTS }),
    onRefused: callable<NonNullable<SecurityEventOptions['onRefused']>, undefined>('pollSecurityEvents(): onRefused', onRefused, undefined),
  };
}

// RFC 8936 section 2.4's acknowledge-only request: any 2xx answer took it, whatever its body.
async function acknowledge(endpoint: URL, authorization: string | undefined, { ack, setErrs }: Pending): Promise<void> {
  const body = JSON.stringify({ ack, setErrs, maxEvents: 0, returnImmediately: true });
  const init = { method: 'POST', headers: headersFor(authorization), body, redirect: 'error', signal: AbortSignal.timeout(REQUEST_TIMEOUT) } as const;
  const response = await fetch(endpoint.href, init).catch((error: unknown) => {
    throw new SessionError('KEYS_UNAVAILABLE', `pollSecurityEvents(): ${endpoint.href} could not be reached to acknowledge SETs.`, { cause: error });
  });
  await response.body?.cancel();
  if (!response.ok) {
    const reason = `${endpoint.href} answered ${response.status} to an acknowledgement.`;
    throw new SessionError('KEYS_UNAVAILABLE', `pollSecurityEvents(): ${reason}`, { cause: new KeysUnavailable(reason, undefined, response.status) });
  }
}

const headersFor = (authorization: string | undefined): Record<string, string> => ({
  'content-type': 'application/json',
  accept: 'application/json',
  ...(authorization === undefined ? {} : { authorization }),
});

// RFC 8936 section 2.4; anything but 200 with `sets` is a failure, never "no events".
async function request(endpoint: URL, authorization: string | undefined, body: object, limit: number): Promise<{ sets: Record<string, unknown>; moreAvailable: boolean }> {
  const headers = headersFor(authorization);
  let answer: unknown;
  try {
    answer = await readJson(endpoint.href, { method: 'POST', headers, body: JSON.stringify(body), redirect: 'error', signal: AbortSignal.timeout(REQUEST_TIMEOUT) }, limit);
  } catch (error) {
    const reason = error instanceof KeysUnavailable ? error.message : `${endpoint.href} did not answer in time.`;
    throw new SessionError('KEYS_UNAVAILABLE', `pollSecurityEvents(): ${reason}`, { cause: error });
  }
  const { sets, moreAvailable } = (typeof answer === 'object' && answer !== null ? answer : {}) as { sets?: unknown; moreAvailable?: unknown };
  if (typeof sets !== 'object' || sets === null || Array.isArray(sets)) {
    throw new SessionError('KEYS_UNAVAILABLE', `pollSecurityEvents(): ${endpoint.href} answered without a "sets" object.`);
  }
  return { sets: sets as Record<string, unknown>, moreAvailable: moreAvailable === true };
}
