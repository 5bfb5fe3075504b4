import { callBack } from '../events.js';

/** Hands an error to the app's `onError`; a logger that throws or rejects must not turn a 503 into a 500, nor end the process. */
export function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  callBack(onError, error, () => undefined);
}
