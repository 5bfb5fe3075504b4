// In-process load helpers shared by the measurement scripts.

export const UAS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
];

/**
 * Calls `operation(index)` from `inFlight` concurrent loops for `seconds`. Returns calls per
 * second of wall-clock time (`rate`) and per second of this process's CPU time (`cpuRate`,
 * user + system, every thread): on a shared machine the wall-clock rate also counts time the
 * process waited for a core; the CPU rate is what one core delivers. Time is read every 64
 * calls per loop, so the clock costs nothing.
 */
export async function throughput(operation, { seconds, inFlight = 1 }) {
  let count = 0;
  const end = performance.now() + seconds * 1_000;
  const loop = async () => {
    while (performance.now() < end) {
      for (let step = 0; step < 64; step++) {
        await operation(count);
        count++;
      }
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, loop));
  const used = process.cpuUsage(cpu);
  return { rate: count / ((performance.now() - started) / 1_000), cpuRate: count / ((used.user + used.system) / 1e6), count };
}

/** Runs `task(index)` for every index below `count`, `inFlight` at a time. */
export async function forEachConcurrently(count, inFlight, task) {
  let next = 0;
  const loop = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, loop));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
