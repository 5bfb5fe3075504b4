import { EVENT_ACTIONS } from '../../security-events/event-types.js';

/**
 * The event types the receiver acts on, requested when `--events` is not given: a receiver
 * should request only what it understands (SSF 1.0 "events_requested").
 */
export const ACTED_ON_EVENTS: readonly string[] = [...EVENT_ACTIONS.keys()];
