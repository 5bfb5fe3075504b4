import { isSessionError } from '../../errors.js';
import { CliError, EXIT } from '../failure.js';

/**
 * Calls a store factory, closing the client when it throws: options it refuses (a bad --prefix,
 * a file that cannot be opened) came from the command line, so they are bad usage.
 */
export async function storeOptions<T>(factory: () => T, close: () => Promise<void> = async () => {}): Promise<T> {
  try {
    return factory();
  } catch (error) {
    await close();
    if (isSessionError(error) && error.code === 'INVALID_CONFIGURATION') throw new CliError(error.message, EXIT.usage, { cause: error });
    throw error;
  }
}

/** The failure of a first connection, with the driver's own error as its cause. */
export function unreachable(store: string, label: string, cause: unknown): CliError {
  return new CliError(`cannot connect to ${store} at ${label}`, undefined, { cause });
}
