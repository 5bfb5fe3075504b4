/** Hands an error to the app's `onError`; a throwing logger must not turn a 503 into a 500. */
export function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // The 503 is the answer either way.
  }
}
