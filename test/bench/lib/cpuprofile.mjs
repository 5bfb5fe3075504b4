// Top self-time frames of a V8 .cpuprofile (what `node --cpu-prof` writes).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './build.mjs';

/**
 * Self time per frame (idle left out): `{ frames: Map<frame, µs>, groups: Map<group, µs>, total }`.
 * V8 samples on a wall-clock interval and gives each sample the time since the previous one; on
 * a shared machine a process held off its core for 50 ms would put those 50 ms on whatever frame
 * ran next (a quarter of a profile's time, seen here). Each sample counts at most the median
 * interval, so a frame's time is what the process spent in it, not what it waited.
 */
function selfTimes(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const sorted = [...profile.timeDeltas].sort((a, b) => a - b);
  const interval = sorted[sorted.length >> 1] ?? 0;
  const self = new Map();
  const groups = new Map();
  let total = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const node = byId.get(profile.samples[index]);
    const delta = Math.min(profile.timeDeltas[index] ?? 0, interval);
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const frame = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(frame, (self.get(frame) ?? 0) + delta);
    const group = groupOf(url, functionName);
    groups.set(group, (groups.get(group) ?? 0) + delta);
    total += delta;
  }
  return { frames: self, groups, total };
}

/**
 * The top self-time frames, largest first, and the self time per component (this library,
 * a dependency, Node.js internals, native code, GC). With `requests`, times are also given
 * per request, which compares two profiles of unequal length.
 */
export function topFrames(file, count = 15, requests) {
  const { frames, groups, total } = selfTimes(file);
  const perRequest = (micros) => (requests ? micros / requests : undefined);
  return {
    frames: [...frames.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([frame, micros]) => ({ frame, selfMs: micros / 1_000, share: micros / total, perRequest: perRequest(micros) })),
    groups: [...groups.entries()].sort((a, b) => b[1] - a[1]).map(([group, micros]) => ({ group, selfMs: micros / 1_000, share: micros / total, perRequest: perRequest(micros) })),
    requests,
  };
}

function groupOf(url, functionName) {
  if (!url) return functionName === '(garbage collector)' ? 'GC' : functionName.startsWith('(') ? functionName : `native: ${functionName}`;
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  if (path.startsWith('node:')) return 'Node.js internals';
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules !== -1) {
    const parts = path.slice(inModules + 14).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (path.includes('/.dist/') || path.includes('/dist/')) return 'session-revocation (dist)';
  if (path.includes('/test/bench/')) return 'bench harness';
  return path;
}

function shorten(url) {
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  if (path.startsWith('node:')) return path;
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules !== -1) return path.slice(inModules + 1);
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}
