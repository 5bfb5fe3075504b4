/** Resolves once `promise` settles, or after `ms` (an unref'd timer, cleared when it settles first); never rejects. */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)).unref());
  return Promise.race([promise.then(settled, settled), deadline]).finally(() => clearTimeout(timer));
}

/** For `then(settled, settled)`: what a promise settled with, dropped. */
export const settled = (): void => undefined;
