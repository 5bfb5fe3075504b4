import { isSessionError } from '../errors.js';

/** Exit codes of the CLI: the contract scripts rely on. */
export const EXIT = Object.freeze({ done: 0, failed: 1, usage: 2 });

/** An error the CLI reports as one line and an exit code: `usage` (2) for a command line that cannot be right, `failed` (1) for a refusal or a failure. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.failed, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A command line that cannot be right: unknown command or flag, missing argument, bad --store. */
export const usageError = (message: string): CliError => new CliError(`${message} (see session-revocation --help)`, EXIT.usage);

/** The line and exit code for anything a command threw, never a stack trace: an argument the manager refuses (`INVALID_INPUT`) is bad usage. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (!(error instanceof Error || isSessionError(error))) return { message: oneLine(String(error)), exitCode: EXIT.failed };
  const exitCode = error instanceof CliError ? error.exitCode : isSessionError(error) && error.code === 'INVALID_INPUT' ? EXIT.usage : EXIT.failed;
  return { message: oneLine(withCause(error.message, error.cause)), exitCode };
}

// The driver's own words ("connect ECONNREFUSED 127.0.0.1:1") say what to fix; keep them.
function withCause(message: string, cause: unknown): string {
  const detail = causeMessage(cause);
  return detail === undefined || message.includes(detail) ? message : `${message} (${detail})`;
}

function causeMessage(cause: unknown): string | undefined {
  if (cause instanceof AggregateError && cause.errors.length > 0) return causeMessage(cause.errors[0]);
  if (cause instanceof Error && cause.message !== '') return cause.message;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return undefined;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
