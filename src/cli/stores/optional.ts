/**
 * Loads an optional peer dependency: `undefined` when it is not installed, so the caller can
 * try the next client or say what to install. Any other failure (a broken install) is thrown.
 */
export async function optionalImport<T>(name: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    // Only the package itself missing, not one of its own dependencies.
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error instanceof Error && error.message.includes(`'${name}'`)) {
      return undefined;
    }
    throw error;
  }
}
