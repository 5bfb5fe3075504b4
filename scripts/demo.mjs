// `npm run demo`: the Express demo app on http://localhost:3000, its data (sessions, accounts,
// settings) in examples/express-app/data/demo.sqlite. `npm run demo -- --memory` keeps
// everything in memory; `--port` (or PORT) and `--host` (or HOST) change where it listens;
// `--idp` also starts a local OpenID provider for "Sign in with the identity provider";
// `--rotate` rotates remember-me cookies every 30 seconds of use (10 seconds of grace), so
// rotation and a copied cookie's reuse can be watched.
import { fileURLToPath } from 'node:url';
import { runExample } from './example.mjs';

const args = process.argv.slice(2);
if (!args.includes('--memory') && !args.some((arg) => arg === '--data' || arg.startsWith('--data='))) {
  args.push('--data', fileURLToPath(new URL('../examples/express-app/data', import.meta.url)));
}
await runExample('express', args);
