/** `text` parsed as JSON, or `undefined` when it is not JSON (an empty text included). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
