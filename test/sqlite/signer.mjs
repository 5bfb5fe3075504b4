// A child process of unwritable.test.ts, run as another user when the test runs as root: opens
// the store on the file the test names, signs in and validates, and prints what it saw as JSON.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundleDir, filename] = process.argv.slice(2);
const { sqliteStore } = await import(pathToFileURL(join(bundleDir, 'sqlite.js')).href);
const { createSessionManager } = await import(pathToFileURL(join(bundleDir, 'index.js')).href);
const failed = (stage, error) => ({ stage, code: error?.code, message: String(error?.message ?? error) });

const report = await (async () => {
  let store;
  try {
    store = sqliteStore({ filename });
  } catch (error) {
    return failed('open', error);
  }
  const sessions = createSessionManager({ store });
  try {
    const { token } = await sessions.create({ userId: 'signer' });
    return { stage: 'done', valid: (await sessions.validate(token)).ok };
  } catch (error) {
    return failed('use', error);
  } finally {
    await sessions.close();
  }
})();
process.stdout.write(JSON.stringify(report));
