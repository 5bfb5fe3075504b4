import { EVENT_ACTIONS } from '../../security-events/event-types.js';

/** The event types the receiver acts on: requested when `--events` is not given. */
export const ACTED_ON_EVENTS: readonly string[] = [...EVENT_ACTIONS.keys()];
