import { vi } from 'vitest';

// The browser globals watchSession() uses, played by the test: a page, its event streams and its fetch.

/** An `EventSource`: every one opened, in order, with its listeners; `onNew` (set by a test) runs as each opens. */
export class FakeSource {
  static opened: FakeSource[] = [];
  static onNew: ((source: FakeSource) => void) | undefined;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, (event: { data?: unknown }) => void>();
  constructor() {
    FakeSource.opened.push(this);
    queueMicrotask(() => FakeSource.onNew?.(this));
  }
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, listener);
  }
  close(): void {
    this.closed = true;
  }
  /** The route's `event: heartbeat`, saying how often they come (ms). */
  heartbeat(every: number): void {
    this.listeners.get('heartbeat')!({ data: String(every) });
  }
  /** The route's `event: revoked`. */
  revoked(reason = 'revoked'): void {
    this.listeners.get('revoked')!({ data: JSON.stringify({ reason }) });
  }
}

/** The page the test plays: where it was sent (`assigned`), its own listeners, and `at()` to put it at another address. */
export interface FakePage {
  readonly assigned: string[];
  readonly listeners: Map<string, () => void>;
  at(pathname: string, search?: string): void;
}

/** Stubs the globals of a page at `/account` whose requests `fetch` answers, with fake timers; {@link unstubPage} undoes it. */
export function stubPage(fetch: (url: string, init: Record<string, unknown>) => Promise<{ status: number; json(): Promise<unknown> }>): FakePage {
  vi.useFakeTimers();
  FakeSource.opened = [];
  FakeSource.onNew = undefined;
  const assigned: string[] = [];
  const listeners = new Map<string, () => void>();
  vi.stubGlobal('EventSource', FakeSource);
  vi.stubGlobal('fetch', fetch);
  vi.stubGlobal('addEventListener', (type: string, listener: () => void) => void listeners.set(type, listener));
  vi.stubGlobal('removeEventListener', () => {});
  const at = (pathname: string, search = '') => vi.stubGlobal('location', { pathname, search, assign: (url: string) => void assigned.push(url) });
  at('/account');
  return { assigned, listeners, at };
}

/** Real timers and globals again. */
export function unstubPage(): void {
  vi.useRealTimers();
  vi.unstubAllGlobals();
}
