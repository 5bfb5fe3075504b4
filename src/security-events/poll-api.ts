import type { SecurityEventTransmitter } from './api.js';

/** Options of {@link SecurityEventPollActions.pollSecurityEvents}: one transmitter's poll endpoint. */
export interface SecurityEventPollOptions {
  /** The transmitter whose SETs the endpoint returns; each is checked as a pushed one would be. */
  readonly transmitter: SecurityEventTransmitter;
  /**
   * The poll endpoint (RFC 8936): the stream's `delivery.endpoint_url`, as `session-revocation
   * ssf create-stream --delivery poll` prints it. https; plain http only on the loopback.
   */
  readonly endpoint: string;
  /** The `Authorization` header value the transmitter wants on the poll request (`Bearer …`). @default none */
  readonly authorization?: string | undefined;
  /**
   * How many SETs one round asks for (RFC 8936 `maxEvents`), 1 to 1,000; a round never handles
   * more, whatever the transmitter returns.
   * @default 100
   */
  readonly maxEvents?: number | undefined;
}

/** What one poll round did. */
export interface SecurityEventPollResult {
  /** SETs accepted (acted on, or replays of ones already acted on): acknowledged next round. */
  readonly accepted: number;
  /** SETs refused: reported to the transmitter next round, in `setErrs`. */
  readonly refused: number;
  /** The transmitter has more SETs waiting (RFC 8936 `moreAvailable`). */
  readonly moreAvailable: boolean;
}

/** Options of {@link SecurityEventPollActions.startSecurityEventPolling}. */
export interface SecurityEventPollingOptions extends SecurityEventPollOptions {
  /**
   * Time between polls, in ms (at least 1,000). Each poll runs rounds while the transmitter
   * says more are available, at most 10 rounds.
   * @default 60_000
   */
  readonly interval?: number | undefined;
}

/** The RFC 8936 poll side of the Shared Signals receiver. */
export interface SecurityEventPollActions {
  /**
   * Runs one poll round (RFC 8936) against a transmitter's poll endpoint: acknowledges (`ack`)
   * the SETs the previous round of this manager accepted, reports (`setErrs`) those it
   * refused, asks for up to `maxEvents` more with `returnImmediately`, and passes each SET
   * returned to `securityEvent()`.
   *
   * What to acknowledge is kept in this manager instance until the next round on the same
   * endpoint. A SET left unacknowledged (the process stopped, or another instance polls next)
   * is delivered again; its `jti` was claimed in the store, so it then ends nothing twice
   * and is acknowledged by whichever instance receives it.
   *
   * @param options - The transmitter, its poll endpoint and credentials.
   * @returns How many SETs were accepted and refused, and whether more are waiting.
   * @throws {@link session-revocation!SessionError} `KEYS_UNAVAILABLE` when the endpoint cannot be
   * reached or answers anything but 200 with `{ sets }` (the acknowledgements stay pending), or
   * when a SET cannot be judged for lack of keys; `STORE_UNAVAILABLE` and the other errors of
   * `securityEvent()`: what this round had accepted or refused before stays pending, the rest
   * is delivered again. `INVALID_CONFIGURATION` for bad options.
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
   * Polls every `interval` on an unref'd timer, like `startPruning()`. Call
   * it on every instance: each interval, one instance sharing the store polls (the one that
   * claims that interval's turn in the store) and the others skip it. Failures go to `onError`.
   *
   * @param options - As `pollSecurityEvents()`, and the interval.
   * @returns A function that stops this timer; `close()` stops it too.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for bad options or a store
   * `CLOSED` after `close()`.
   */
  startSecurityEventPolling(options: SecurityEventPollingOptions): () => void;
}
