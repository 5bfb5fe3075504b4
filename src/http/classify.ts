import { mediaType, type HttpRequest } from './request.js';

/** Longest Accept header looked at; browsers send about 150 characters. */
const MAX_ACCEPT_LENGTH = 1024;

/** The `q` of each media range in an Accept header, by lower-case type; the first one counts. */
function acceptWeights(accept: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const range of accept.slice(0, MAX_ACCEPT_LENGTH).split(',')) {
    const [type, ...params] = range.split(';') as [string, ...string[]];
    let q = 1;
    for (const param of params) {
      const equals = param.indexOf('=');
      if (equals !== -1 && param.slice(0, equals).trim().toLowerCase() === 'q') {
        // Number() ignores surrounding spaces and reads "" as 0.
        const parsed = Number(param.slice(equals + 1));
        q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
      }
    }
    const name = type.trim().toLowerCase();
    if (!weights.has(name)) weights.set(name, q);
  }
  return weights;
}

/** Whether an Accept header names HTML explicitly and ranks it at least as high as JSON. */
function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const weights = acceptWeights(accept);
  const html = Math.max(weights.get('text/html') ?? 0, weights.get('application/xhtml+xml') ?? 0);
  return html > 0 && html >= (weights.get('application/json') ?? 0);
}

/** The three encodings an HTML form can submit with (`enctype`); a request without a body type is none of them. */
const FORM_TYPES: ReadonlySet<string | undefined> = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

function isNavigateMode(mode: string): boolean {
  const value = mode.trim().toLowerCase();
  // "nested-navigate": what Chrome before version 80 sent for a navigation inside a frame.
  return value === 'navigate' || value === 'nested-navigate';
}

/**
 * Whether a request is a page navigation (a redirect to the login page) rather than an API call (`401` JSON): a `GET` or
 * `HEAD` marked `Sec-Fetch-Mode: navigate` or whose Accept prefers HTML, or a form `POST` (marked as a navigation, or
 * without `Sec-Fetch-Mode` preferring HTML with a form encoding).
 */
export function isPageNavigation(request: HttpRequest): boolean {
  const { method } = request;
  const mode = request.header('sec-fetch-mode');
  if (method === 'GET' || method === 'HEAD') return (mode !== undefined && isNavigateMode(mode)) || prefersHtml(request.header('accept'));
  if (method !== 'POST') return false;
  if (mode !== undefined) return isNavigateMode(mode);
  return prefersHtml(request.header('accept')) && FORM_TYPES.has(mediaType(request));
}
