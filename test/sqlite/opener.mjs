// A child process of processes.test.ts: opens each database file the test names, at the
// same moment as the other children, and reports whether the store's first call succeeded.
import { pathToFileURL } from 'node:url';

const [bundle] = process.argv.slice(2);
const { sqliteStore } = await import(pathToFileURL(bundle).href);
const { storeOperations } = await import(new URL('storage.js', pathToFileURL(bundle)).href);

process.on('message', async ({ filename }) => {
  const store = storeOperations(sqliteStore({ filename, busyTimeout: 10_000 }));
  try {
    await store.getRevocationState('opener');
    process.send({ filename, error: null });
  } catch (error) {
    process.send({ filename, error: { code: error?.code, message: String(error?.message ?? error) } });
  } finally {
    await store.close();
  }
});
process.send({ type: 'ready' });
