// Imported first by every benchmark server, bare or not, so they all run Node's
// `process.nextTick` in the same V8 state.
//
// `nextTick` builds each queued callback as an object literal with computed (symbol) keys. V8's
// feedback for such a key is one shape or "megamorphic", never a few shapes, and a megamorphic
// one sends every later `nextTick` through the runtime (measured with `perf`: 5-8 % of a Fastify
// server's CPU). The shapes are held weakly: when a full garbage collection runs while no queued callback
// is alive, they are freed, the next callback gets new ones, and the feedback turns megamorphic
// for good. Whether that happens depends on the process's history: an app that awaited a
// plugin's registration (so `nextTick` already has feedback) and then allocated enough at
// start-up to trigger a full collection before its first request pays it; an app that met
// neither condition does not. Two servers then differ between two servers by a collection's timing rather than by their work.
//
// Keeping one queued-callback object alive keeps its shapes (and the path to them) alive, so no
// collection can free them: every server keeps `nextTick`'s fast path. (Other literals of the
// same kind elsewhere in Node are left as they fall: the diagnosis names one.)
import { createHook } from 'node:async_hooks';

let kept;
const hook = createHook({
  init(_asyncId, type, _triggerAsyncId, resource) {
    if (type === 'TickObject') kept ??= resource;
  },
});
hook.enable();
process.nextTick(() => {});
hook.disable();
if (kept === undefined) throw new Error('steady-ticks: no nextTick object was seen');

/** The object kept alive (exported so that nothing can collect it). */
export const keptTickObject = kept;
