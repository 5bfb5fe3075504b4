// The security-critical files under mutation testing, each with only its own unit tests: a
// mutant must be killed by the tests written for that file, not by an end-to-end test that
// happens to pass through it.
export const targets = [
  { name: 'session', mutate: ['src/session.ts'], tests: ['test/core/session.test.ts'] },
  { name: 'token', mutate: ['src/token.ts'], tests: ['test/core/token.test.ts'] },
  {
    name: 'liveness',
    mutate: ['src/liveness.ts', 'src/core/live-session.ts'],
    tests: ['test/rules/liveness.test.ts', 'test/core/live-session.test.ts', 'test/core/liveness-callers.test.ts', 'test/core/support-session-lifetime.test.ts', 'test/core/store-answers.test.ts'],
  },
  { name: 'next-path', mutate: ['src/http/next-path.ts'], tests: ['test/http/next-path.test.ts'] },
  { name: 'cookies', mutate: ['src/http/cookies.ts'], tests: ['test/http/cookies.test.ts'] },
  { name: 'cross-site', mutate: ['src/http/cross-site.ts'], tests: ['test/http/cross-site.test.ts'] },
  {
    name: 'guards',
    mutate: ['src/http/guards.ts'],
    tests: ['test/http/guards.test.ts', 'test/http/same-origin.test.ts', 'test/http/error-response.test.ts', 'test/http/request-sessions.test.ts', 'test/http/failure.test.ts', 'test/http/freshness.test.ts'],
  },
  { name: 'credentials', mutate: ['src/http/credentials.ts'], tests: ['test/http/credentials.test.ts'] },
  { name: 'classify', mutate: ['src/http/classify.ts'], tests: ['test/http/classify.test.ts'] },
  {
    name: 'access-tokens',
    // Verification and the revocation-state cache; the option checks at startup are the manager's options' concern.
    mutate: ['src/access-tokens/**/*.ts', '!src/access-tokens/check-options.ts', 'src/epoch-cache.ts'],
    tests: ['test/core/access-tokens.test.ts', 'test/core/access-token-hostile.test.ts', 'test/core/access-token-verify.test.ts', 'test/core/access-token-state.test.ts', 'test/core/access-token-cache.test.ts', 'test/core/access-token-verify-only-deny.test.ts', 'test/core/access-token-secret-public-key.test.ts'],
  },
  // The manager's validation path.
  {
    name: 'manager-validate',
    mutate: ['src/manager/validate.ts'],
    tests: ['test/core/validate.test.ts', 'test/core/validate-path.test.ts', 'test/core/manager-options.test.ts', 'test/core/non-string-tokens.test.ts', 'test/core/rotation.test.ts'],
  },
  { name: 'store-answers', mutate: ['src/store-answers.ts'], tests: ['test/core/store-answers.test.ts'] },
  // Every rule a store used to decide (the cap, replacement, revoke-others, epochs, rotation), once in TypeScript.
  { name: 'rules', mutate: ['src/rules/*.ts', 'src/rotation/index.ts'], tests: ['test/rules/*.test.ts'] },
  // A logout token, a SET or a Universal Logout bearer acted on once a delivery finished, never lost to a failed one.
  {
    name: 'replay',
    mutate: ['src/core/claim-once.ts'],
    tests: ['test/federated/failed-delivery.test.ts', 'test/federated/backchannel.test.ts', 'test/universal-logout/method.test.ts', 'test/security-events/actions.test.ts'],
  },
  // The embedded store: rows kept, a batch applied whole if its version holds.
  {
    name: 'memory-store',
    mutate: ['src/stores/memory.ts', 'src/stores/memory-records.ts'],
    tests: ['test/stores/memory.test.ts', 'test/stores/memory-store.test.ts', 'test/stores/memory-activity.test.ts'],
  },
  // The SQLite store's reads and batches. Every test database is a temporary file or :memory:,
  // so concurrent runners never share one. test/sqlite/processes.test.ts is left out: its child
  // processes run a bundle of their own, where no mutant is ever switched on.
  {
    name: 'sqlite-store',
    mutate: ['adapters/sqlite/store.ts', 'adapters/sqlite/erasure.ts'],
    tests: ['test/stores/sqlite.test.ts', 'test/sqlite/persistence.test.ts', 'test/sqlite/connections.test.ts', 'test/sqlite/options.test.ts', 'test/sqlite/erase.test.ts'],
  },
];
