/**
 * What a load run did, as the clients saw it, and the checker that holds it to the library's
 * promises. Every time is `performance.now()` in the one process that runs both the clients
 * and the servers, taken by the client: a request "started" when the client began sending it
 * and "returned" when the client had the whole answer. So "started after a revocation
 * returned" means the server could only have handled the request after the revocation was
 * done — the order the promise is about.
 */

/** How a request presented its session. */
export type Via = 'cookie' | 'bearer';

/** A session some client signed in and got a token for. */
export interface SessionEntry {
  readonly id: string;
  readonly token: string;
  /** An access token issued with it (Bearer), when the app issues them. */
  readonly jwt: string | undefined;
  readonly userId: string;
  /** Index of the browser (User-Agent) it signed in from. */
  readonly device: number;
  readonly instance: number;
  /** The sign-in request's start and return. */
  readonly start: number;
  readonly end: number;
}

/** One request that presented a session: a read of /api/me, or an action's own authentication. */
export interface ReadEntry {
  readonly sessionId: string;
  readonly via: Via;
  readonly instance: number;
  readonly start: number;
  readonly end: number;
  /** The HTTP status; 0 when no answer came (connection error or timeout). */
  readonly status: number;
  /** The `error` of a JSON refusal, or the transport error. */
  readonly error?: string | undefined;
  /** What /api/me said the session was (reads only). */
  readonly answered?: { readonly sessionId?: unknown; readonly userId?: unknown } | undefined;
  /** `read` for /api/me; the action's name otherwise (its body says nothing about identity). */
  readonly what: string;
  /** Whether a 2xx means the session was accepted (actions answer 2xx only with a valid session). */
  readonly accepted: boolean;
}

export type RevocationType = 'sign_out' | 'revoke' | 'others' | 'everywhere' | 'replaced' | 'presented';

/** One attempt to revoke, whatever its outcome. */
export interface RevocationEntry {
  readonly type: RevocationType;
  readonly instance: number;
  readonly start: number;
  readonly end: number;
  readonly status: number;
  /** The server acknowledged the revocation (2xx). */
  readonly ok: boolean;
  /**
   * The user whose sessions it is about: the actor's user, or for `presented` the user of the
   * token presented at sign-in (a browser may sign in as someone else).
   */
  readonly userId: string;
  /** sign_out / presented: the session signed out; revoke: the target id. */
  readonly sessionId?: string | undefined;
  /** others: the session kept; replaced: the new session (never covered by its own sign-in). */
  readonly keepId?: string | undefined;
  /** replaced: the browser whose older sessions the sign-in replaces. */
  readonly device?: number | undefined;
}

/** Any request, for the status checks and the count. */
export interface RequestEntry {
  readonly what: string;
  readonly instance: number;
  readonly start: number;
  readonly end: number;
  readonly status: number;
  /** Statuses this request may get when the store is up. */
  readonly expected: readonly number[];
  readonly error?: string | undefined;
}

/** A time range, [start, end]. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** Everything one run recorded. Clients write to it as they go. */
export class History {
  readonly sessions = new Map<string, SessionEntry>();
  readonly byUser = new Map<string, SessionEntry[]>();
  readonly reads: ReadEntry[] = [];
  readonly revocations: RevocationEntry[] = [];
  readonly requests: RequestEntry[] = [];
  /** Sign-ins refused `401` as overtaken: a sign-out everywhere of the user landed while they were under way. */
  readonly overtakenSignIns: Array<{ readonly userId: string; readonly instance: number; readonly start: number; readonly end: number }> = [];

  addSession(entry: SessionEntry): void {
    this.sessions.set(entry.id, entry);
    let list = this.byUser.get(entry.userId);
    if (list === undefined) this.byUser.set(entry.userId, (list = []));
    list.push(entry);
  }

  /** The sessions an acknowledged revocation certainly covers: those signed in before it started. */
  covered(revocation: RevocationEntry): SessionEntry[] {
    const single = (id: string | undefined): SessionEntry[] => {
      const entry = id === undefined ? undefined : this.sessions.get(id);
      return entry === undefined ? [] : [entry];
    };
    switch (revocation.type) {
      case 'sign_out':
      case 'presented':
        return single(revocation.sessionId);
      case 'revoke': {
        const target = single(revocation.sessionId);
        return target.filter((entry) => entry.userId === revocation.userId);
      }
      case 'others':
      case 'everywhere':
      case 'replaced':
        return (this.byUser.get(revocation.userId) ?? []).filter(
          (entry) =>
            entry.end < revocation.start &&
            entry.id !== revocation.keepId &&
            (revocation.type !== 'replaced' || entry.device === revocation.device),
        );
    }
  }

  /** Whether `revocation` may have revoked `entry` (its outcome unknown or a success). */
  mayCover(revocation: RevocationEntry, entry: SessionEntry): boolean {
    // A refusal of the actor (401), a refused target (404), a cross-site or bad request: nothing
    // was revoked.
    if (revocation.status >= 400 && revocation.status < 500) return false;
    // Revocations reach only the user they name (a revoke by id of another user's session is a 404).
    if (entry.userId !== revocation.userId) return false;
    switch (revocation.type) {
      case 'sign_out':
      case 'presented':
      case 'revoke':
        return revocation.sessionId === entry.id;
      case 'others':
      case 'everywhere':
        return entry.id !== revocation.keepId && entry.start < revocation.end;
      case 'replaced':
        return entry.device === revocation.device && entry.id !== revocation.keepId && entry.start < revocation.end;
    }
  }
}

/** What the checker allows beyond the strict rules. */
export interface CheckOptions {
  /**
   * How long after a revocation returned on one instance another instance may still accept an
   * access token it covers: the documented propagation window (`epochCacheTtl`). Cookies get
   * no window: they are checked against the store on every request.
   */
  readonly bearerGraceOtherInstance: number;
  /** When the store was being made unavailable on purpose: 503 is allowed for requests overlapping these. */
  readonly outages?: readonly Window[];
  /** When the store could not answer at all (killed or frozen): a 200 wholly inside one is a session nobody checked. */
  readonly down?: readonly Window[];
  /**
   * How long a manager may verify access tokens against revocation state it read before
   * (`epochCacheTtl`, documented): inside a down window, an access token accepted within this
   * long of the store going away was checked against that state, not unchecked.
   */
  readonly bearerStateTtl?: number;
}

/** A broken promise, for the report. */
export interface Violation {
  readonly rule: 'stale_success' | 'valid_refused' | 'wrong_refusal' | 'unexpected_status' | 'wrong_identity' | 'unchecked_success';
  readonly detail: string;
}

const overlaps = (windows: readonly Window[] | undefined, start: number, end: number): boolean =>
  (windows ?? []).some((window) => start <= window.end && end >= window.start);
const inside = (windows: readonly Window[] | undefined, start: number, end: number): boolean =>
  (windows ?? []).some((window) => start >= window.start && end <= window.end);

const ms = (value: number): string => value.toFixed(1);

/**
 * Until when a revocation may still take effect. One that failed for want of the store
 * (503, or no answer) during an outage may have been sent before a frozen server stopped
 * reading: the server runs it when it resumes, after the request was answered, possibly after
 * sessions signed in on other connections in the meantime. So it may cover sessions started
 * until the end of that outage.
 */
function mayRunUntil(revocation: RevocationEntry, outages: readonly Window[] | undefined): number {
  if (revocation.ok || (revocation.status >= 400 && revocation.status < 500)) return revocation.end;
  const during = (outages ?? []).filter((window) => revocation.start <= window.end && revocation.end >= window.start);
  return Math.max(revocation.end, ...during.map((window) => window.end));
}

/**
 * Holds a run to the promises:
 * - **stale_success**: no request that started after an acknowledged revocation returned
 *   succeeds with a session it covered (an access token on another instance gets the documented
 *   propagation window);
 * - **valid_refused** / **wrong_refusal**: a session is refused only if a revocation may have
 *   covered it and started before the request returned, and then as `session_revoked`;
 * - **unexpected_status**: every request gets one of its expected statuses; 5xx only as a 503
 *   while the store was being taken down; a request never goes unanswered;
 * - **wrong_identity**: /api/me answers with the session presented, never another;
 * - **unchecked_success**: no 200 for a request that began and ended while the store could
 *   not be reached.
 */
export function check(history: History, options: CheckOptions): Violation[] {
  const violations: Violation[] = [];
  // Earliest start of any revocation that may have covered each session, and the attempts
  // themselves per session.
  const mayFrom = new Map<string, number>();
  const attempts = new Map<string, RevocationEntry[]>();
  for (const revocation of history.revocations) {
    const candidates =
      revocation.type === 'sign_out' || revocation.type === 'presented' || revocation.type === 'revoke'
        ? [history.sessions.get(revocation.sessionId ?? '')].filter((entry) => entry !== undefined)
        : (history.byUser.get(revocation.userId) ?? []);
    const uncertain = { ...revocation, end: mayRunUntil(revocation, options.outages) };
    for (const entry of candidates) {
      if (!history.mayCover(uncertain, entry)) continue;
      mayFrom.set(entry.id, Math.min(mayFrom.get(entry.id) ?? Infinity, revocation.start));
      attempts.set(entry.id, [...(attempts.get(entry.id) ?? []), revocation]);
    }
  }

  // For each session: the earliest acknowledged revocation covering it, and per instance when
  // that instance's access-token checks must see it. An instance drops its cached revocation
  // state when it revokes something itself; a sign-out, a revocation of a presented cookie or
  // a device replacement that found the session already revoked (by an earlier, possibly
  // other-instance revocation) wrote nothing and so invalidated nothing: for those the
  // propagation window of the revocation that did the work applies.
  const firstEnd = new Map<string, number>();
  const bearerDeadline = new Map<string, Map<number, number>>();
  const coveredBy = new Map<string, RevocationEntry[]>();
  for (const revocation of history.revocations) {
    if (!revocation.ok) continue;
    for (const entry of history.covered(revocation)) {
      coveredBy.set(entry.id, [...(coveredBy.get(entry.id) ?? []), revocation]);
      firstEnd.set(entry.id, Math.min(firstEnd.get(entry.id) ?? Infinity, revocation.end));
      const alwaysWrites = revocation.type === 'everywhere' || revocation.type === 'others' || revocation.type === 'revoke';
      const firstToAct = (attempts.get(entry.id) ?? []).every((other) => other === revocation || other.start >= revocation.end);
      let perInstance = bearerDeadline.get(entry.id);
      if (perInstance === undefined) bearerDeadline.set(entry.id, (perInstance = new Map()));
      const strict = alwaysWrites || firstToAct;
      const own = strict ? revocation.end : revocation.end + options.bearerGraceOtherInstance;
      perInstance.set(revocation.instance, Math.min(perInstance.get(revocation.instance) ?? Infinity, own));
      perInstance.set(-1, Math.min(perInstance.get(-1) ?? Infinity, revocation.end + options.bearerGraceOtherInstance));
    }
  }

  for (const read of history.reads) {
    const entry = history.sessions.get(read.sessionId);
    if (entry === undefined) continue;
    const label = `${read.what} ${read.via} of ${read.sessionId} (user ${entry.userId}) on instance ${read.instance}, ${ms(read.start)}-${ms(read.end)} ms`;
    const success = read.status >= 200 && read.status < 300 && read.accepted;
    if (success) {
      let deadline = firstEnd.get(read.sessionId) ?? Infinity;
      if (read.via === 'bearer') {
        // The instance that revoked: no window. Any other: the documented propagation window
        // (kept under the key -1).
        const deadlines = bearerDeadline.get(read.sessionId);
        deadline = Math.min(deadlines?.get(read.instance) ?? Infinity, deadlines?.get(-1) ?? Infinity);
      }
      if (read.start > deadline) {
        const by = (coveredBy.get(read.sessionId) ?? [])
          .slice(0, 3)
          .map((revocation) => `${revocation.type} on instance ${revocation.instance}, ${ms(revocation.start)}-${ms(revocation.end)} ms`)
          .join('; ');
        violations.push({ rule: 'stale_success', detail: `${label} succeeded, ${ms(read.start - (firstEnd.get(read.sessionId) ?? 0))} ms after a revocation covering it returned (${by})` });
      }
      const down = read.via === 'bearer' ? options.down?.map((window) => ({ start: window.start + (options.bearerStateTtl ?? 0), end: window.end })) : options.down;
      if (inside(down, read.start, read.end)) {
        violations.push({ rule: 'unchecked_success', detail: `${label} succeeded while the store could not be reached` });
      }
      if (read.answered !== undefined && (read.answered.sessionId !== read.sessionId || read.answered.userId !== entry.userId)) {
        violations.push({ rule: 'wrong_identity', detail: `${label} was answered as ${JSON.stringify(read.answered)}` });
      }
    } else if (read.status === 401) {
      if (!((mayFrom.get(read.sessionId) ?? Infinity) < read.end)) {
        violations.push({ rule: 'valid_refused', detail: `${label} was refused (${read.error ?? '?'}) though no revocation could cover it` });
      } else if (read.error !== 'session_revoked') {
        violations.push({ rule: 'wrong_refusal', detail: `${label} was refused as ${read.error ?? '?'} instead of session_revoked` });
      }
    }
  }

  for (const signIn of history.overtakenSignIns) {
    const overlapped = history.revocations.some((revocation) => revocation.userId === signIn.userId && revocation.start < signIn.end && revocation.end > signIn.start);
    if (!overlapped) violations.push({ rule: 'unexpected_status', detail: `POST /login on instance ${signIn.instance}, ${ms(signIn.start)}-${ms(signIn.end)} ms was refused as overtaken, though no sign-out of the user overlapped it` });
  }

  for (const request of history.requests) {
    const label = `${request.what} on instance ${request.instance}, ${ms(request.start)}-${ms(request.end)} ms`;
    if (request.expected.includes(request.status)) continue;
    if (request.status === 503 && overlaps(options.outages, request.start, request.end)) continue;
    violations.push({ rule: 'unexpected_status', detail: `${label} got ${request.status === 0 ? `no answer (${request.error ?? '?'})` : request.status}` });
  }
  return violations;
}

/** Violations grouped by rule, with a few examples each, for an assertion message. */
export function summarise(violations: readonly Violation[], examples = 5): string {
  const byRule = new Map<string, string[]>();
  for (const violation of violations) {
    const list = byRule.get(violation.rule) ?? [];
    list.push(violation.detail);
    byRule.set(violation.rule, list);
  }
  return [...byRule]
    .map(([rule, details]) => `${rule}: ${details.length}\n  ${details.slice(0, examples).join('\n  ')}`)
    .join('\n');
}
