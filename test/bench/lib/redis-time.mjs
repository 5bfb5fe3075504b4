// Redis's own time per operation, from INFO commandstats (usec: time spent executing each
// command, on the server). Taken before and after a measured run; divided by the operations
// the run made. Only top-level commands count: a script's (EVALSHA_RO) or a transaction's
// (EXEC) time already holds the commands run inside it, which commandstats also lists on their
// own. The server is shared with whatever else uses it during the run; `calls` per operation
// shows whether others ran the same commands meanwhile (1 EVALSHA_RO, or 1 MULTI + 1 EXEC,
// per validation when nobody did).
import { nodeRedisClient } from './stores.mjs';

const TOP_LEVEL = new Set(['evalsha_ro', 'evalsha', 'eval_ro', 'eval', 'multi', 'exec', 'fcall', 'fcall_ro']);

/** INFO commandstats as a map of command name to `{ calls, usec }`. */
export function commandstats(info) {
  const stats = new Map();
  for (const line of String(info).split('\r\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match !== null) stats.set(match[1], { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** Starts counting; `per(count)` returns `{ usec, commands: { name: { calls, usec } } }` per operation. */
export async function redisTime() {
  const client = await nodeRedisClient();
  const before = commandstats(await client.sendCommand(['INFO', 'commandstats']));
  return {
    async per(count) {
      const after = commandstats(await client.sendCommand(['INFO', 'commandstats']));
      const commands = {};
      let usec = 0;
      for (const [name, stat] of after) {
        if (!TOP_LEVEL.has(name)) continue;
        const calls = stat.calls - (before.get(name)?.calls ?? 0);
        const spent = stat.usec - (before.get(name)?.usec ?? 0);
        if (calls === 0) continue;
        commands[name.toUpperCase()] = { calls: calls / count, usec: spent / count };
        usec += spent;
      }
      return { usec: usec / count, commands };
    },
    close: () => client.close(),
  };
}
