import type { Command } from '../command.js';
import { usageError } from '../failure.js';

const DEFAULT_BATCH = 1_000;
const MAX_BATCH = 100_000;

/** `prune`: deletes expired rows, one bounded batch per store call, with progress. */
export const prune: Command = {
  name: 'prune',
  summary: 'Delete expired sessions in bounded batches',
  args: [],
  options: { 'batch-size': { type: 'string' } },
  optionHelp: [['--batch-size <n>', `Rows deleted per store call (default ${DEFAULT_BATCH}, at most ${MAX_BATCH})`]],
  details:
    'Deletes every session row past its absolute expiry (revoked or not) and deny-list entries that ran out;\n' +
    'epochs are kept. Progress goes to stderr, the total to stdout. Safe next to running apps.',
  async run({ values, manager, output }) {
    const batch = batchSize(values['batch-size']);
    const sessions = manager({ pruneBatchSize: batch });
    const progress = output.progress();
    let total = 0;
    let batches = 0;
    try {
      // One store call per round; a short batch means nothing expired is left.
      for (;;) {
        const deleted = await sessions.prune({ limit: batch });
        total += deleted;
        batches += 1;
        progress.update(`pruning: ${total} expired sessions deleted (${batches} ${batches === 1 ? 'batch' : 'batches'} of up to ${batch})`);
        if (deleted < batch) break;
      }
    } finally {
      progress.done();
    }
    output.line(`Deleted ${total} expired ${total === 1 ? 'session' : 'sessions'}.`);
  },
};

function batchSize(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_BATCH;
  const size = Number(value);
  if (!/^\d+$/.test(String(value)) || size < 1 || size > MAX_BATCH) throw usageError(`--batch-size must be a whole number from 1 to ${MAX_BATCH}`);
  return size;
}
