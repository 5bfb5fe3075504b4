import type { HttpRequest } from './request.js';

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
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const weights = acceptWeights(accept);
  const html = Math.max(weights.get('text/html') ?? 0, weights.get('application/xhtml+xml') ?? 0);
  return html > 0 && html >= (weights.get('application/json') ?? 0);
}

/** The three encodings an HTML form can submit with (`enctype`). */
const FORM_TYPES: ReadonlySet<string> = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

function isFormBody(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  return FORM_TYPES.has((semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase());
}

function isNavigateMode(mode: string): boolean {
  const value = mode.trim().toLowerCase();
  // "nested-navigate": what Chrome before version 80 sent for a navigation inside a frame.
  return value === 'navigate' || value === 'nested-navigate';
}

/**
 * Whether a request is a page navigation (answered with a redirect to the login page) rather
 * than an API call (answered with `401` JSON):
 *
 * - a `GET` or `HEAD` that a browser marks as a navigation (`Sec-Fetch-Mode: navigate`) or
 *   whose Accept header prefers HTML;
 * - a `POST` that a browser marks as a navigation (an HTML form submission), or, from a
 *   browser that sends no `Sec-Fetch-Mode`, one whose Accept header prefers HTML and whose body
 *   is a form encoding (`application/x-www-form-urlencoded`, `multipart/form-data`,
 *   `text/plain`).
 *
 * Everything else is an API call: `fetch()` and XHR (`Sec-Fetch-Mode: cors`, an Accept that
 * does not name HTML, a JSON body) and every other method.
 *
 * @param request - The request.
 * @returns `true` for a page navigation.
 */
export function isPageNavigation(request: HttpRequest): boolean {
  const { method } = request;
  const mode = request.header('sec-fetch-mode');
  if (method === 'GET' || method === 'HEAD') return (mode !== undefined && isNavigateMode(mode)) || prefersHtml(request.header('accept'));
  if (method !== 'POST') return false;
  if (mode !== undefined) return isNavigateMode(mode);
  return prefersHtml(request.header('accept')) && isFormBody(request.header('content-type'));
}
