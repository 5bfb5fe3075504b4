import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestRunner } from '../src/testing/runner.js';

/** vitest's functions in the shape the conformance suites take. */
export const vitestRunner = { describe, it, expect, beforeEach, afterEach } as unknown as TestRunner;
