// Text the CLI prints came from a store or a transmitter: a terminal must show it, never obey it (escape sequences, a carriage return) nor reorder it (bidi).
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

// What is unsafe past the C0 controls JSON.stringify escapes itself; in JSON text these stand inside strings only.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` as the CLI prints it: each character a terminal would obey or reorder (see {@link UNSAFE}) as `?`. */
export const printable = (text: string): string => text.replace(UNSAFE, '?');

/** `value` as indented JSON escaping every such character (`\u202e`): the same value to a parser; always, as a file is read on a terminal later. */
export const printableJson = (value: unknown): string => JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
