import { SessionError } from './errors.js';

/**
 * The one set of option checks every factory uses: the manager, the HTTP layer, the wrappers
 * and the stores. Each check throws `INVALID_CONFIGURATION` with the option's full name and
 * what it got, so a mistyped or out-of-range setting fails at startup, never on first use.
 *
 * @module
 */

/**
 * The error every option check throws.
 *
 * @param message - What is wrong and what to change.
 * @returns A {@link SessionError} with code `INVALID_CONFIGURATION`.
 */
export function invalidConfiguration(message: string): SessionError {
  return new SessionError('INVALID_CONFIGURATION', message);
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * Checks that `value` is a plain options object (or `undefined`, read as `{}`) holding only
 * the `known` keys: a mistyped security option (`globalLogut`) must never be silently ignored.
 *
 * @param name - How the caller names the object in messages: `"createSessionManager() options"`.
 * @param value - What the caller passed.
 * @param known - Every key the factory reads.
 * @returns The object, for chaining.
 * @throws {@link SessionError} `INVALID_CONFIGURATION` for a non-object or an unknown key.
 */
export function optionsObject<T extends object>(name: string, value: T | undefined, known: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidConfiguration(`${name} must be an object (got ${shown(value)}).`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw invalidConfiguration(`${name}: unknown option "${key}". Known options: ${known.join(', ')}.`);
    }
  }
  return value;
}

/** Bounds of {@link integer}. */
export interface IntegerLimits {
  /** Smallest value allowed. */
  readonly min: number;
  /** Largest value allowed. @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/**
 * A whole, finite number within `limits`, or `fallback` when unset: a count, a size, or a
 * duration in milliseconds.
 *
 * @param name - The option's full name, for the message.
 * @param value - What was passed.
 * @param fallback - The default when `value` is `undefined`.
 * @param limits - The allowed range.
 * @returns The checked value.
 * @throws {@link SessionError} `INVALID_CONFIGURATION` outside the range or not an integer.
 */
export function integer(name: string, value: unknown, fallback: number, limits: IntegerLimits): number {
  if (value === undefined) return fallback;
  const max = limits.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < limits.min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${limits.min}` : `from ${limits.min} to ${max}`;
    throw invalidConfiguration(`${name} must be a whole number ${range} (got ${shown(value)}).`);
  }
  return value;
}

/**
 * A duration in whole milliseconds of at least `min` (and at most `max`), or `fallback`.
 *
 * @param name - The option's full name.
 * @param value - What was passed.
 * @param fallback - The default when unset.
 * @param limits - The allowed range in ms.
 * @returns The checked duration.
 * @throws {@link SessionError} `INVALID_CONFIGURATION`.
 */
export function duration(name: string, value: unknown, fallback: number, limits: IntegerLimits): number {
  return integer(`${name} (ms)`, value, fallback, limits);
}

/**
 * One of a fixed set of strings, or `fallback`.
 *
 * @param name - The option's full name.
 * @param value - What was passed.
 * @param allowed - The accepted values.
 * @param fallback - The default when unset.
 * @returns The checked value.
 * @throws {@link SessionError} `INVALID_CONFIGURATION`.
 */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidConfiguration(`${name} must be ${allowed.map((entry) => `"${entry}"`).join(' or ')} (got ${shown(value)}).`);
  }
  return value as T;
}

/**
 * `true`, `false`, or `fallback` when unset.
 *
 * @param name - The option's full name.
 * @param value - What was passed.
 * @param fallback - The default when unset.
 * @returns The checked value.
 * @throws {@link SessionError} `INVALID_CONFIGURATION`.
 */
export function boolean<T extends boolean | undefined>(name: string, value: unknown, fallback: T): boolean | T {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidConfiguration(`${name} must be true or false (got ${shown(value)}).`);
  return value;
}

/**
 * A function, or `fallback` when unset.
 *
 * @param name - The option's full name.
 * @param value - What was passed.
 * @param fallback - The default when unset.
 * @returns The checked function.
 * @throws {@link SessionError} `INVALID_CONFIGURATION`.
 */
export function callable<T extends (...args: never[]) => unknown, F extends T | undefined>(name: string, value: unknown, fallback: F): T | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw invalidConfiguration(`${name} must be a function (got ${shown(value)}).`);
  return value as T;
}

/**
 * A non-empty string (at most `maxLength` characters), or `fallback` when unset.
 *
 * @param name - The option's full name.
 * @param value - What was passed.
 * @param fallback - The default when unset.
 * @param maxLength - The longest accepted string. @default 1024
 * @returns The checked string.
 * @throws {@link SessionError} `INVALID_CONFIGURATION`.
 */
export function text<F extends string | undefined>(name: string, value: unknown, fallback: F, maxLength = 1024): string | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalidConfiguration(`${name} must be a non-empty string of at most ${maxLength} characters (got ${shown(value)}).`);
  }
  return value;
}
