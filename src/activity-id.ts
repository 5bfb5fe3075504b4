import { randomBytes } from 'node:crypto';

let sequence = 0;
const SEQUENCE_SPAN = 36 ** 6;

/** An id that sorts like time: the time, a process counter (one millisecond stays in order), then randomness. */
export function activityId(at: number): string {
  sequence = (sequence + 1) % SEQUENCE_SPAN;
  return [String(Math.max(0, Math.floor(at))).padStart(15, '0'), '-', sequence.toString(36).padStart(6, '0'), randomBytes(6).toString('base64url')].join('');
}

/** The id of the `index`th entry derived from entry `id` (a session a sign-in ended), 6 base-36 digits wide: ids sort as text, `.10` after `.2`. */
export function derivedActivityId(id: string, index: number): string {
  return `${id}.${index.toString(36).padStart(6, '0')}`;
}
