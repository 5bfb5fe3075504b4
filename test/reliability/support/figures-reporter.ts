import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from 'vitest/reporters';

type Counts = Record<'requests' | 'revocations' | 'faults' | 'hostile' | 'violations', number>;

const LABELS: ReadonlyArray<readonly [keyof Counts, string]> = [
  ['requests', 'requests served'],
  ['revocations', 'revocations made'],
  ['faults', 'faults injected'],
  ['hostile', 'hostile inputs tried'],
  ['violations', 'violations found'],
];

/** Prints the suite's figures, summed over every test file, once the run ends. */
export class FiguresReporter implements Reporter {
  constructor(private readonly dir: string) {}

  onTestRunEnd(): void {
    const total: Counts = { requests: 0, revocations: 0, faults: 0, hostile: 0, violations: 0 };
    const bySource = new Map<string, Counts>();
    let text = '';
    try {
      text = readFileSync(join(this.dir, 'figures.jsonl'), 'utf8');
    } catch {
      // No test recorded anything (all filtered out).
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as Partial<Counts> & { source: string };
      const mine = bySource.get(entry.source) ?? { requests: 0, revocations: 0, faults: 0, hostile: 0, violations: 0 };
      for (const [key] of LABELS) {
        const value = Number(entry[key] ?? 0);
        mine[key] += value;
        total[key] += value;
      }
      bySource.set(entry.source, mine);
    }
    const width = Math.max(...LABELS.map(([, label]) => label.length));
    const lines = ['', 'Reliability figures', ...LABELS.map(([key, label]) => `  ${label.padEnd(width)}  ${total[key].toLocaleString('en-US')}`)];
    const offenders = [...bySource].filter(([, counts]) => counts.violations > 0);
    if (offenders.length > 0) {
      lines.push('  violations by test:');
      for (const [source, counts] of offenders) lines.push(`    ${counts.violations}  ${source}`);
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
    if (total.violations > 0) process.exitCode = 1;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
