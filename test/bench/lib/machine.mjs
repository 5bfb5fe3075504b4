// Facts about the machine a run measured on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export function uptime() {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg().map((value) => value.toFixed(2)).join(', ')}`;
  }
}

function cpuModel() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    return /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? cpus()[0]?.model;
  } catch {
    return cpus()[0]?.model;
  }
}

function git(args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', cwd: new URL('../../../', import.meta.url).pathname }).trim();
  } catch {
    return undefined;
  }
}

export function machineFacts() {
  return {
    cpu: cpuModel() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    commit: git(['log', '-1', '--format=%h %s']),
    dirty: (git(['status', '--porcelain', '--', 'src', 'adapters']) ?? '') !== '',
  };
}
