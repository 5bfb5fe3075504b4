import { SessionError } from './errors.js';

/** The error every option check throws: `INVALID_CONFIGURATION` with `message`. */
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
 * A plain options object (`undefined` reads as `{}`) holding only the `known` keys: a mistyped
 * security option (`globalLogut`, `tenant` for `tenantId`) must never be silently ignored.
 * @param code - `INVALID_INPUT` for a call's options. @default "INVALID_CONFIGURATION"
 * @throws {@link SessionError} `code` for a non-object or an unknown key.
 */
export function optionsObject<T extends object>(name: string, value: T | undefined, known: readonly string[], code: 'INVALID_CONFIGURATION' | 'INVALID_INPUT' = 'INVALID_CONFIGURATION'): T {
  if (value === undefined) return {} as T;
  if (!isObject(value)) throw new SessionError(code, `${name} must be an object (got ${shown(value)}).`);
  for (const key of Object.keys(value)) if (!known.includes(key)) throw new SessionError(code, `${name}: unknown option "${key}". Known options: ${known.join(', ')}.`);
  return value;
}

/** An options type's keys, held to the type both ways by the compiler: a key added to the type must be listed. */
export const optionKeys = <T extends object>(keys: { readonly [Key in keyof Required<T>]: true }): readonly string[] => Object.keys(keys);

/** A call's options (`undefined` as `{}`), refused with `INVALID_INPUT` before the call does anything for a key outside `keys`, or when no plain object (whose inherited keys a check of its own would miss). */
export function callOptions<T extends object>(what: string, options: T | undefined, keys: readonly string[]): T {
  if (options !== undefined && !isPlainObject(options)) throw new SessionError('INVALID_INPUT', `${what} options must be a plain object.`);
  return optionsObject(`${what} options`, options, keys, 'INVALID_INPUT');
}

/** Bounds of {@link integer}. */
export interface IntegerLimits {
  readonly min: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/** Whether a value is a plain JSON object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object literal's kind (of any realm, or without a prototype): a `Map` or a class instance passes {@link isObject} yet holds no own keys. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  const proto: unknown = isObject(value) ? Object.getPrototypeOf(value) : undefined;
  return proto === null || (proto !== undefined && Object.getPrototypeOf(proto) === null);
}

/** The longest delay a Node timer keeps (ms): past it, `setInterval` fires every millisecond. */
export const MAX_TIMER_DELAY = 2_147_483_647;

/** Whether `value` is a whole number from `min` to `max`: the one test of options and arguments counted in whole units. */
export function isWholeNumber(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** A whole number within `limits`, or `fallback` when unset; throws `INVALID_CONFIGURATION` otherwise. */
export function integer(name: string, value: unknown, fallback: number, limits: IntegerLimits): number {
  if (value === undefined) return fallback;
  const max = limits.max ?? Number.MAX_SAFE_INTEGER;
  if (!isWholeNumber(value, limits.min, max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${limits.min}` : `from ${limits.min} to ${max}`;
    throw invalidConfiguration(`${name} must be a whole number ${range} (got ${shown(value)}).`);
  }
  return value;
}

/** A duration in whole milliseconds within `limits`, or `fallback` when unset. */
export function duration(name: string, value: unknown, fallback: number, limits: IntegerLimits): number {
  return integer(`${name} (ms)`, value, fallback, limits);
}

/** One of the `allowed` strings, or `fallback` when unset. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidConfiguration(`${name} must be ${allowed.map((entry) => `"${entry}"`).join(' or ')} (got ${shown(value)}).`);
  }
  return value as T;
}

/** `true`, `false`, or `fallback` when unset. */
export function boolean<T extends boolean | undefined>(name: string, value: unknown, fallback: T): boolean | T {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidConfiguration(`${name} must be true or false (got ${shown(value)}).`);
  return value;
}

/** A function, or `fallback` when unset. */
export function callable<T extends (...args: never[]) => unknown, F extends T | undefined>(name: string, value: unknown, fallback: F): T | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw invalidConfiguration(`${name} must be a function (got ${shown(value)}).`);
  return value as T;
}

/** A non-empty string of at most `maxLength` characters, or `fallback` when unset. */
export function text<F extends string | undefined>(name: string, value: unknown, fallback: F, maxLength = 1024): string | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalidConfiguration(`${name} must be a non-empty string of at most ${maxLength} characters (got ${shown(value)}).`);
  }
  return value;
}
