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
  ])('%s is an API call', (_name, method, headers) => {
    expect(isPageNavigation(fakeRequest({ method, headers }))).toBe(false);
  });
});
