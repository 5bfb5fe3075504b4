// `npm run test:mutation [target...]`: Stryker on each security-critical file in turn, each with
// only its own tests, then the score per file in test/mutation/results.md. Slow (minutes per
// file), so it is not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { targets } from '../test/mutation/targets.mjs';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !targets.some((target) => target.name === name));
if (unknown.length > 0) {
  console.error(`Unknown target(s): ${unknown.join(', ')}. Known: ${targets.map((target) => target.name).join(', ')}`);
  process.exit(2);
}
const chosen = wanted.length === 0 ? targets : targets.filter((target) => wanted.includes(target.name));
const resultsFile = new URL('../test/mutation/results.md', import.meta.url);
// What the table alone does not say; update it with the code.
const NOTES = [
  '## Notes',
  '',
  '- Memory store: the mutants left change memory use or speed only, never an answer, but each',
  '  shares its line with a mutant the tests do kill, so the line is not marked: skipping the',
  '  drop of an emptied deny-list, user state, activity log or device list; a rare-fields slot',
  '  or a tenant state kept for a session that needs none; an activity page or a spent prune',
  '  budget not stopping its walk early; an absent cursor, retention bound or tenant, or an',
  '  entry without an owner, looked at anyway; an insertion stepping past an equal id (ids are',
  '  unique).',
  '- A `// Stryker disable next-line` comment disables a mutator on the whole line. Where that',
  '  line also holds a mutant the tests kill, the comment says so (cookies: `equals < start`).',
  "- The manager's validation path is its own file, `src/manager/validate.ts` (the synchronous and",
  '  the store path), so the target follows the code without a line range.',
  '- SQLite store: Stryker does not mutate inside SQL text. Changing each comparison and',
  '  condition of `adapters/sqlite/statements.ts` by hand, the store tests catch all but two,',
  '  which change no answer: the deny-list upsert keeping the later `until` (a session is put on',
  '  the deny-list once: only live rows are revoked) and the expiry order of a prune batch (which',
  '  expired rows go first). The lines marked in its TypeScript only choose between statements',
  '  that answer the same: an absent tenant or prune cut-off binds NULL, which matches no row,',
  '  and a spent prune budget leaves a batch of LIMIT 0. Those lines also hold mutants the tests',
  '  kill (the opposite choice, which drops an answer), and their comments say so.',
  '- The Redis and PostgreSQL stores are not targets: their tests need servers and take minutes',
  "  per mutant; the store conformance suite holds them to the same behaviour as the others.",
  '',
];

const rows = [];
const started = Date.now();
let failed = false;
for (const target of chosen) {
  console.log(`\n▶ mutation testing ${target.name}: ${target.mutate.join(', ')} with ${target.tests.join(', ')}`);
  const begin = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_TARGET: target.name },
  });
  const seconds = Math.round((Date.now() - begin) / 1000);
  if (run.status !== 0) {
    console.error(`✖ Stryker failed on ${target.name} (exit ${run.status ?? run.signal}).`);
    failed = true;
    continue;
  }
  rows.push({ target, seconds, ...count(JSON.parse(readFileSync(`reports/mutation/${target.name}.json`, 'utf8'))) });
}
const total = Math.round((Date.now() - started) / 1000);

function count(report) {
  const tally = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) {
      if (mutant.status === 'Killed') tally.killed++;
      else if (mutant.status === 'Timeout') tally.timeout++;
      else if (mutant.status === 'Survived') tally.survived++;
      else if (mutant.status === 'NoCoverage') tally.noCoverage++;
      else if (mutant.status === 'Ignored') tally.ignored++;
      else tally.errors++;
    }
  }
  const detected = tally.killed + tally.timeout;
  const valid = detected + tally.survived + tally.noCoverage;
  return { ...tally, score: valid === 0 ? 100 : (detected / valid) * 100 };
}

const table = [
  '| target | files | killed | timeout | survived | no coverage | marked equivalent | score | time |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.target.name} | ${row.target.mutate.map((file) => `\`${file}\``).join(', ')} | ${row.killed} | ${row.timeout} | ${row.survived} | ${row.noCoverage} | ${row.ignored} | ${row.score.toFixed(1)} % | ${row.seconds} s |`,
  ),
];
console.log(`\n${table.join('\n')}\n\nTotal: ${total} s`);

// A full run rewrites the results file, every target from one run.
if (wanted.length === 0 && !failed) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  writeFileSync(
    resultsFile,
    [
      '# Mutation testing results',
      '',
      'Written by `npm run test:mutation` (Stryker with the vitest runner; each target mutated with only',
      'its own tests, listed in `test/mutation/targets.mjs`). "Marked equivalent" counts mutants',
      'disabled in the code with a `// Stryker disable` comment that gives the reason; the score',
      'counts killed and timed-out mutants over all the others.',
      '',
      `Run on ${new Date().toISOString().slice(0, 10)}, ${machine}, concurrency ${process.env['MUTATION_CONCURRENCY'] ?? 2}.`,
      '',
      ...table,
      '',
      `Total run time of \`npm run test:mutation\`: ${total} s (${(total / 60).toFixed(1)} min).`,
      '',
      ...NOTES,
    ].join('\n'),
  );
} else if (!failed && existsSync(resultsFile)) {
  // A run of some targets replaces their rows and says so, so the file stays current between
  // full runs without passing a partial run off as a full one.
  const lines = readFileSync(resultsFile, 'utf8').split('\n');
  const day = new Date().toISOString().slice(0, 10);
  for (const row of rows) {
    const index = lines.findIndex((line) => line.startsWith(`| ${row.target.name} |`));
    const fresh = table[rows.indexOf(row) + 2].replace(/ s \|$/, ` s (alone, ${day}) |`);
    if (index === -1) lines.splice(lines.findIndex((line) => line.startsWith('| ---')) + 1, 0, fresh);
    else lines[index] = fresh;
  }
  writeFileSync(resultsFile, lines.join('\n'));
}
process.exit(failed ? 1 : 0);
