import type { Epochs } from '../store-records.js';

/** What an epoch raise is decided from: the current epochs and the newest `createdAt` per kind. */
export interface EpochFacts {
  readonly epochs: ReadonlyMap<string, number>;
  /** The high-water marks: the newest `createdAt` stored per kind. */
  readonly highWater: ReadonlyMap<string, number>;
}

/**
 * The epochs "sign out everywhere" leaves: each kind's raised past its epoch (a second sign-out everywhere is always a changed epoch, which a credential
 * change tells apart), to at least `at` and its high-water mark (a server whose clock runs behind leaves no session alive). `everyStoredKind` ("all") adds
 * each kind with a mark (a kind a session was stored of), so a kind this instance does not declare (dropped from the config, or only another instance's) ends too.
 */
export function raisedEpochs(facts: EpochFacts, kinds: readonly string[], at: number, everyStoredKind = false): Epochs {
  const raised = Object.create(null) as Record<string, number>;
  const every = everyStoredKind ? new Set([...kinds, ...facts.highWater.keys()]) : kinds;
  for (const kind of every) raised[kind] = Math.max((facts.epochs.get(kind) ?? 0) + 1, at, facts.highWater.get(kind) ?? 0);
  return raised;
}
