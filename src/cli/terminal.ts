// Text the CLI prints came from a store or a transmitter: a terminal must show it, never obey it.

/**
 * What a terminal would obey or reorder instead of showing: control characters but newline and tab (C0, DEL and C1: escape
 * sequences, a carriage return) and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

// What is unsafe past the C0 controls JSON.stringify escapes itself; in JSON text these stand inside strings only.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` as the CLI prints it: each character a terminal would obey or reorder (see {@link UNSAFE}) as `?`. */
export const printable = (text: string): string => text.replace(UNSAFE, '?');

/**
 * `value` as indented JSON whose strings escape every such character (`\u202e`, `\u009b`): a parser reads the same value,
 * a terminal shows it inert. Always, not only on a terminal: a pipe or a file is read on one later (`less`, `cat`).
 */
export const printableJson = (value: unknown): string => JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
