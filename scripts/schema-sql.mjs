// `npm run schema-sql`: writes adapters/postgres/schema.sql, the script the PostgreSQL store's
// migrate() runs for the default names, from the TypeScript that builds it. The file is never
// edited by hand; test/postgres/schema-file.test.ts fails when it and the code differ.
// `node scripts/schema-sql.mjs <path>` writes it elsewhere.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const target = process.argv[2] ?? fileURLToPath(new URL('adapters/postgres/schema.sql', root));

// Node 20 runs no TypeScript: bundle the one module in memory and import it from there.
const { outputFiles } = await build({
  entryPoints: [fileURLToPath(new URL('adapters/postgres/schema-sql.ts', root))],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
});
const source = outputFiles[0].text;
const { postgresSchemaSql } = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
writeFileSync(target, postgresSchemaSql());
