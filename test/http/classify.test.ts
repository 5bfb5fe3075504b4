import { describe, expect, it } from 'vitest';
import { isPageNavigation } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const CHROME_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('page navigation or API call', () => {
  it.each([
    ['a browser page load', 'GET', { accept: CHROME_ACCEPT }],
    ['a HEAD page load', 'HEAD', { accept: CHROME_ACCEPT }],
    ['Sec-Fetch-Mode: navigate', 'GET', { 'sec-fetch-mode': 'navigate', accept: '*/*' }],
    ['XHTML only', 'GET', { accept: 'application/xhtml+xml' }],
    ['HTML ranked above JSON', 'GET', { accept: 'application/json;q=0.5, text/html' }],
    ['a form POST (Sec-Fetch-Mode: navigate)', 'POST', { accept: CHROME_ACCEPT, 'sec-fetch-mode': 'navigate', 'content-type': 'application/x-www-form-urlencoded' }],
    ['a form POST in a frame of an older Chrome', 'POST', { accept: CHROME_ACCEPT, 'sec-fetch-mode': 'nested-navigate' }],
    ['a form POST without Sec-Fetch headers', 'POST', { accept: CHROME_ACCEPT, 'content-type': 'application/x-www-form-urlencoded' }],
    ['a multipart form POST without Sec-Fetch headers', 'POST', { accept: CHROME_ACCEPT, 'content-type': 'multipart/form-data; boundary=x' }],
    ['a text/plain form POST without Sec-Fetch headers', 'POST', { accept: CHROME_ACCEPT, 'content-type': 'Text/Plain;charset=UTF-8' }],
    ['a form body type with spaces', 'POST', { accept: 'text/html', 'content-type': ' application/x-www-form-urlencoded ; charset=utf-8' }],
    ['Sec-Fetch-Mode with spaces and capitals', 'GET', { 'sec-fetch-mode': ' Navigate ', accept: '*/*' }],
    ['HTML and JSON ranked equal', 'GET', { accept: 'text/html, application/json' }],
    ['HTML ranked just above JSON', 'GET', { accept: 'text/html;q=0.5, application/json;q=0.4' }],
    ['HTML with a low but positive q', 'GET', { accept: 'text/html;q=0.5' }],
    ['HTML with other parameters', 'GET', { accept: 'text/html;level=1;charset=utf-8' }],
    ['HTML with a parameter without a value', 'GET', { accept: 'text/html;qq' }],
    ['HTML with a q above 1, read as 1', 'GET', { accept: 'text/html;q=5, application/json' }],
    ['HTML with spaces around q', 'GET', { accept: 'text/html ; q = 0.9 , application/json;q=0.8' }],
    ['HTML in capitals', 'GET', { accept: 'TEXT/HTML' }],
    ['HTML within the first 1,024 characters', 'GET', { accept: `${'x/y,'.repeat(250)}text/html` }],
  ])('%s is a page navigation', (_name, method, headers) => {
    expect(isPageNavigation(fakeRequest({ method, headers }))).toBe(true);
  });

  it.each([
    ['fetch() default', 'GET', { accept: '*/*', 'sec-fetch-mode': 'cors' }],
    ['no Accept', 'GET', {}],
    ['JSON', 'GET', { accept: 'application/json' }],
    ['JSON ranked above HTML', 'GET', { accept: 'text/html;q=0.1, application/json' }],
    ['HTML refused', 'GET', { accept: 'text/html;q=0' }],
    ['a junk q', 'GET', { accept: 'text/html;q=abc' }],
    ['a fetch() POST of a form', 'POST', { accept: CHROME_ACCEPT, 'sec-fetch-mode': 'cors', 'content-type': 'application/x-www-form-urlencoded' }],
    ['a same-origin fetch() POST', 'POST', { accept: 'text/html', 'sec-fetch-mode': 'same-origin', 'content-type': 'multipart/form-data' }],
    ['a JSON POST without Sec-Fetch headers', 'POST', { accept: CHROME_ACCEPT, 'content-type': 'application/json' }],
    ['a form POST that asks for JSON', 'POST', { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }],
    ['a POST without a body type', 'POST', { accept: CHROME_ACCEPT }],
    ['a DELETE', 'DELETE', { accept: CHROME_ACCEPT }],
    ['a DELETE marked as a navigation', 'DELETE', { accept: CHROME_ACCEPT, 'sec-fetch-mode': 'navigate' }],
    ['a PUT of a form', 'PUT', { accept: CHROME_ACCEPT, 'content-type': 'application/x-www-form-urlencoded' }],
    ['text/htmlx', 'GET', { accept: 'text/htmlx' }],
    ['HTML refused with a capital Q', 'GET', { accept: 'text/html;Q=0' }],
    ['HTML refused with spaces', 'GET', { accept: 'text/html; q = 0 ' }],
    ['HTML with a negative q', 'GET', { accept: 'text/html;q=-1' }],
    ['HTML with an empty q', 'GET', { accept: 'text/html;q=' }],
    ['HTML refused first, accepted later: the first one counts', 'GET', { accept: 'text/html;q=0, text/html' }],
    ['HTML past the first 1,024 characters', 'GET', { accept: `${'x/y,'.repeat(256)}text/html` }],
  ])('%s is an API call', (_name, method, headers) => {
    expect(isPageNavigation(fakeRequest({ method, headers }))).toBe(false);
  });
});
