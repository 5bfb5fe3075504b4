import { isSessionError } from '../../errors.js';
import { CliError, EXIT } from '../failure.js';

/**
 * Calls a store factory: options it refuses (a bad --prefix, a file that cannot be opened)
 * came from the command line, so they are bad usage, in the factory's own words.
 */
export function storeOptions<T>(factory: () => T): T {
  try {
    return factory();
  } catch (error) {
    if (isSessionError(error) && error.code === 'INVALID_CONFIGURATION') throw new CliError(error.message, EXIT.usage, { cause: error });
    throw error;
  }
}
