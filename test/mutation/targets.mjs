// The security-critical files under mutation testing, each with only its own unit tests: a
// mutant must be killed by the tests written for that file, not by an end-to-end test that
// happens to pass through it.
export const targets = [
  { name: 'session', mutate: ['src/session.ts'], tests: ['test/core/session.test.ts'] },
  { name: 'token', mutate: ['src/token.ts'], tests: ['test/core/token.test.ts'] },
  { name: 'next-path', mutate: ['src/http/next-path.ts'], tests: ['test/http/next-path.test.ts'] },
  { name: 'cookies', mutate: ['src/http/cookies.ts'], tests: ['test/http/cookies.test.ts'] },
  { name: 'cross-site', mutate: ['src/http/cross-site.ts'], tests: ['test/http/cross-site.test.ts'] },
  { name: 'same-origin', mutate: ['src/http/same-origin.ts'], tests: ['test/http/same-origin.test.ts'] },
  { name: 'credentials', mutate: ['src/http/credentials.ts'], tests: ['test/http/credentials.test.ts'] },
  { name: 'classify', mutate: ['src/http/classify.ts'], tests: ['test/http/classify.test.ts'] },
  {
    name: 'access-tokens',
    mutate: ['src/access-tokens/**/*.ts'],
    tests: ['test/core/access-tokens.test.ts', 'test/core/access-token-hostile.test.ts', 'test/core/access-token-verify.test.ts'],
  },
  { name: 'memory-store', mutate: ['src/stores/memory.ts'], tests: ['test/stores/memory.test.ts', 'test/stores/memory-store.test.ts'] },
];
