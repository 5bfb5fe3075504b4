// CPU profiles (V8's sampling profiler, as node --cpu-prof) of the hot paths whose budget a run missed: the memory-store
// validation loop, and a framework's server with this library under autocannon load.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from './child.mjs';
import { topFrames } from './cpuprofile.mjs';
import { profileServer } from '../http/measure.mjs';

const HERE = new URL('..', import.meta.url).pathname;

function profileFile(directory) {
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('no .cpuprofile was written');
  return join(directory, file);
}

/** Profiles memory-store validation (one call at a time) for `seconds`. */
export async function profileValidation(seconds) {
  const directory = mkdtempSync(join(tmpdir(), 'srbench-prof-'));
  try {
    await runChild(join(HERE, 'inproc/validate.mjs'), ['memory', String(seconds), '0.5', '1'], { core: 1, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${directory}`], timeoutMs: 120_000 });
    return topFrames(profileFile(directory), 15);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Profiles a framework's server with this library (memory store) under load for `seconds`. */
export async function profileFramework(framework, variant, seconds, options) {
  const directory = mkdtempSync(join(tmpdir(), 'srbench-prof-'));
  try {
    const file = join(directory, 'server.cpuprofile');
    const run = await profileServer(framework, variant, seconds, { ...options, profileFile: file });
    return topFrames(file, 15, run.requests);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
