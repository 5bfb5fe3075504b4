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
  '- Rows marked "alone" were run again by target, after the tests written for them; the other',
  "  rows and the total are the full run's, on a machine other work was loading.",
  '- Memory store: the mutants left change memory use or speed only, never an answer: an activity',
  "  entry of no user or tenant kept where nothing lists it; a tenant state or a tenant's activity",
  '  looked up for a row without a tenant (nothing is found); a version kept for an owner of another',
  '  kind; a notice without an owner; a device prune without a cut-off (it deletes nothing); the',
  '  data of a row without data cloned (`structuredClone(undefined)` is `undefined`); the empty list',
  '  of known options holding a name nobody passes.',
  '- SQLite store: the mutants left change speed or resources only: the statement cache; the rows',
  '  of a write, which nothing reads; a ROLLBACK after the driver already rolled back; the',
  "  checkpoint's operation name, which SQLite does not use; a second `close()`; an erase batch",
  '  holding only erase writes (`some` and `every` agree); a checkpoint result without a row.',
  '  Stryker does not mutate SQL text: the statements are the shared ones in `adapters/sql`, held',
  '  to the same answers by the store conformance suite on every SQL store.',
  '- Liveness: the mutants left read the admin facts for a row that is no support session (they',
  '  are ignored for it), change how a list keys its admin reads, name the read in the message of',
  "  a malformed admin epoch, look a tenant's epochs up for a row without a tenant, or skip a",
  "  check the caller repeats (a credential change checks the session's user again).",
  '- Cookies: the mutants left loosen a bound of the whitespace trim that reading past either end',
  '  already stops (an index past the end reads `undefined`), or let an "=" stand where a segment',
  '  ends, which never happens (a segment ends at a ";" or at the end of the header).',
  '- Manager validation: the mutants left drop the grace from the reuse write (which decides reuse',
  "  again on the row it reads) and the refusal when a rotation's write finds the row revoked",
  '  between the read and the write.',
  "- Rules: the successor secret's mutants are killed by `test/rules/rotation.test.ts` when made",
  '  by hand (a known answer from the documented recipe); under Stryker the function also runs while',
  '  the test file is collected, and those two are reported as surviving.',
  '- A `// Stryker disable next-line` comment disables a mutator on the whole line. Where that',
  '  line also holds a mutant the tests kill, the comment says so (cookies: `equals < start`).',
  '- The Redis, PostgreSQL and MySQL stores are not targets: their tests need servers and take',
  '  minutes per mutant; the store conformance suite holds them to the same behaviour as the others.',
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
