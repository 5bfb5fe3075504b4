import { memoryStore } from '../../stores/memory.js';
import type { OpenedStore } from './types.js';

/** The memory store: empty at every start, for trying the commands out. */
export function openMemory(): OpenedStore {
  return {
    store: memoryStore(),
    migrate: async () => 'The memory store keeps nothing between runs: nothing to migrate.',
    close: async () => {},
  };
}
