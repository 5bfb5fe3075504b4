import type { SecurityEventOptions, SecurityEventTransmitter } from './api.js';

/** Options of {@link SecurityEventPollActions.pollSecurityEvents}: one transmitter's poll endpoint. */
export interface SecurityEventPollOptions {
  /** The transmitter whose SETs the endpoint returns; each is checked as a pushed one would be. */
  readonly transmitter: SecurityEventTransmitter;
  /** The poll endpoint (RFC 8936): the stream's `delivery.endpoint_url`. https; plain http only on the loopback. */
  readonly endpoint: string;
  /** The `Authorization` header value the transmitter wants on the poll request (`Bearer …`). @default none */
  readonly authorization?: string | undefined;
  /**
   * How many SETs one round asks for and handles at most (RFC 8936 `maxEvents`), 1 to 1,000.
   * @default 100
   */
  readonly maxEvents?: number | undefined;
  /** Called with every refused SET's reason, as `securityEvent()`'s `onRefused` is; what it throws, or its promise rejects, goes to the manager's `onError`. @default none */
  readonly onRefused?: SecurityEventOptions['onRefused'];
}

/** What one poll round did. */
export interface SecurityEventPollResult {
  /** SETs accepted (acted on, or replays of ones already acted on): acknowledged at the round's end (or by the next round, if that fails). */
  readonly accepted: number;
  /** SETs refused: reported to the transmitter at the round's end (or by the next round), in `setErrs`. */
  readonly refused: number;
  /** The transmitter has more SETs waiting (RFC 8936 `moreAvailable`). */
  readonly moreAvailable: boolean;
}

/** Options of {@link SecurityEventPollActions.startSecurityEventPolling}. */
export interface SecurityEventPollingOptions extends SecurityEventPollOptions {
  /**
   * Time between polls, in ms (from 1,000 to 2,147,483,647, the longest delay a Node timer keeps). Each poll runs rounds while the transmitter
   * says more are available, at most 10 rounds.
   * @default 60_000
   */
  readonly interval?: number | undefined;
}

/** The RFC 8936 poll side of the Shared Signals receiver. */
export interface SecurityEventPollActions {
  /**
   * Runs one poll round (RFC 8936): asks for up to `maxEvents` SETs, passes each to `securityEvent()`,
   * then acknowledges those it accepted and reports those it refused in an acknowledge-only request
   * (one that fails goes to `onError`, and the next round sends it). A SET left unacknowledged is
   * delivered again and ends nothing twice. A SET that cannot be judged is left unacknowledged: an
   * outage (store, keys) ends the round there; a failure of its own (a resolver threw) lets
   * the round judge and acknowledge the others first. Either way the round then rejects (with the
   * outage when both happened; the SET's own error then goes to `onError`).
   *
   * @returns How many SETs were accepted and refused, and whether more are waiting.
   * @throws {@link session-revocation!SessionError} `KEYS_UNAVAILABLE` when the endpoint fails,
   * answers more than `maxEvents` SETs of 64 KiB could be (1 MiB at least), or a SET's keys
   * cannot be read; the errors of `securityEvent()`; `INVALID_CONFIGURATION`.
   *
   * @example
   * ```ts
   * let round;
   * do round = await sessions.pollSecurityEvents({ transmitter, endpoint, authorization: `Bearer ${token}` });
   * while (round.moreAvailable);
   * ```
   */
  pollSecurityEvents(options: SecurityEventPollOptions): Promise<SecurityEventPollResult>;

  /**
   * Polls every `interval` on an unref'd timer, like `startPruning()`. Call it on every instance:
   * each interval one instance sharing the store polls each stream (a transmitter, endpoint and
   * authorization: several may share one URL; a changed authorization is another stream, so give
   * every instance the same). Failures go to `onError`; a SET's own
   * failure does not end the interval's rounds, an outage does.
   *
   * @returns A function that stops this timer; `close()` stops it too.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for bad options or a store
   * `CLOSED` after `close()`.
   */
  startSecurityEventPolling(options: SecurityEventPollingOptions): () => void;
}
