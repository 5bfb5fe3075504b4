// Child processes: every measurement runs in its own node process, pinned to one core with
// taskset where available, and reports one JSON line prefixed with RESULT_MARK.
import { spawn, spawnSync } from 'node:child_process';

export const RESULT_MARK = '@@bench-result ';
export const HAS_TASKSET = process.platform === 'linux' && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** `[command, args]` running `node <args>` on `core` (no pinning without taskset). */
export function pinned(core, nodeArgs) {
  if (HAS_TASKSET && core !== undefined) return ['taskset', ['-c', String(core), process.execPath, ...nodeArgs]];
  return [process.execPath, nodeArgs];
}

/** Writes this process's result for the parent. */
export function report(value) {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(value)}\n`);
}

/**
 * Runs a node script on a core and resolves with its reported result. Bounded: the child is
 * killed after `timeoutMs`. `onLine` sees every other stdout line (progress).
 */
export function runChild(script, args, { core, nodeFlags = [], timeoutMs = 300_000, onLine, env } = {}) {
  const [command, argv] = pinned(core, [...nodeFlags, script, ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let result;
    let stderr = '';
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length));
        else onLine?.(line);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`${script} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${signal === 'SIGKILL' ? ` after ${timeoutMs} ms` : ''}:\n${stderr.trim()}`));
    });
  });
}

/**
 * Starts a long-lived node script on a core and resolves once it reports (a server's port),
 * with the child and its report. The child is killed when it has not reported in `timeoutMs`.
 */
export function startChild(script, args, { core, nodeFlags = [], timeoutMs = 60_000, env } = {}) {
  const [command, argv] = pinned(core, [...nodeFlags, script, ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    let buffered = '';
    let settled = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (settled) return;
      buffered += chunk;
      const line = buffered.split('\n').find((candidate) => candidate.startsWith(RESULT_MARK));
      if (line === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, result: JSON.parse(line.slice(RESULT_MARK.length)), stderr: () => stderr });
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      if (!settled) reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!settled) reject(new Error(`${script} ${args.join(' ')} exited before it was ready (${signal ?? `exit ${code}`}):\n${stderr.trim()}`));
    });
  });
}

/** Stops a child started by {@link startChild} (SIGTERM, then SIGKILL after `graceMs`). */
export function stopChild(child, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
