import { createInterface } from 'node:readline';

/** Where the CLI writes: results on stdout, progress and errors on stderr. */
export interface Output {
  /** One line of the result, on stdout. */
  line(text: string): void;
  /** A progress report on stderr: rewritten in place on a terminal, one line each otherwise. */
  progress(): Progress;
  /** Asks a question on stderr, answered on stdin: only "y" or "yes" (any case) is a yes. */
  confirm(question: string): Promise<boolean>;
}

/** A progress report of a long command: `update` with the latest state, then `done`. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

/** The process's own streams. */
export function processOutput(): Output {
  return {
    line: (text) => void process.stdout.write(`${text}\n`),
    progress: () => progressOn(process.stderr),
    confirm: (question) => confirmOn(process.stdin, process.stderr, question),
  };
}

async function confirmOn(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, question: string): Promise<boolean> {
  const lines = createInterface({ input, output, terminal: false });
  output.write(`${question} [y/N] `);
  try {
    for await (const answer of lines) return /^\s*y(es)?\s*$/i.test(answer);
    return false;
  } finally {
    lines.close();
    output.write('\n');
  }
}

// A terminal: one line, redrawn ("\r", clear to its end). A pipe or a log file: plain lines, which control characters would garble.
function progressOn(stream: NodeJS.WriteStream): Progress {
  let shown = false;
  return {
    update: (text) => void ((shown = true), stream.write(stream.isTTY ? `\r\x1b[2K${text}` : `${text}\n`)),
    done: () => void (shown && stream.isTTY && stream.write('\n')),
  };
}
