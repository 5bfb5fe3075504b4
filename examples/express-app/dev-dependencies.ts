// `npm run demo -- --idp` uses two packages the library does not depend on: oidc-provider (the
// local identity provider) and openid-client (the demo's side of the sign-in). Both are
// devDependencies of this repository, present in a clone after `npm install`; they are imported
// only when --idp asks for them, so the plain demo runs without them.

/** A devDependency `--idp` needs is not installed; the message says what to run. */
export class MissingDevDependency extends Error {
  override readonly name = 'MissingDevDependency';
}

/**
 * For `.catch()` on a dynamic import: a missing package becomes a {@link MissingDevDependency};
 * any other error (the package failed to load) is thrown as it is.
 */
export function missingDevDependency(name: string): (error: unknown) => never {
  return (error) => {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${name}'`)) {
      throw new MissingDevDependency(
        `npm run demo -- --idp needs ${name}, a devDependency of session-revocation. Run "npm install" in the repository (not with --omit=dev), then try again.`,
        { cause: error },
      );
    }
    throw error;
  };
}
