import { withDeadline } from '../../core/timer.js';
import { codeOf, isSessionError } from '../../errors.js';
import type { SessionStore } from '../../store.js';
import { CliError, EXIT } from '../failure.js';

/** How long the CLI waits for a store to accept a connection and answer its first request, in ms. */
export const CONNECT_TIMEOUT = 5_000;
/** How long the CLI waits for its clients to close, in ms: past it, a server that stopped answering holds the run no longer. */
export const CLOSE_TIMEOUT = 2_000;

/** A store the CLI opened; `close` closes its client, after the store itself. */
export interface OpenedStore {
  readonly store: SessionStore;
  /** Brings the store's tables up to date and says what it did, in one sentence. */
  migrate(): Promise<string>;
  close(): Promise<void>;
}

/** Loads an optional peer dependency: `undefined` when it is not installed (the caller tries the next or says what to install); a broken install throws. */
export async function optionalImport<T>(name: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    // Only the package itself missing, not one of its own dependencies.
    if (['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes(codeOf(error) ?? '') && error instanceof Error && error.message.includes(`'${name}'`)) return undefined;
    throw error;
  }
}

/** Runs a new client's first request; when it fails or goes unanswered, closes the client and says which store is unreachable. */
export async function firstContact(store: string, label: string, request: () => Promise<unknown>, close: () => Promise<void> | void): Promise<void> {
  try {
    // A server that takes the connection and never answers is as unreachable as one that refuses it.
    await withDeadline(request(), CONNECT_TIMEOUT, () => new Error(`no answer within ${CONNECT_TIMEOUT} ms`));
  } catch (error) {
    await close();
    throw new CliError(`cannot connect to ${store} at ${label}`, undefined, { cause: error });
  }
}

/** Calls a store factory, closing the client when it throws: options it refuses (a bad --prefix, a file it cannot open) came from the command line, so are bad usage. */
export async function storeOptions<T>(factory: () => T, close: () => Promise<void> = async () => {}): Promise<T> {
  try {
    return factory();
  } catch (error) {
    await close();
    if (isSessionError(error) && error.code === 'INVALID_CONFIGURATION') throw new CliError(error.message, EXIT.usage, { cause: error });
    throw error;
  }
}
