// A browser without a browser: cookies per host name (not port, as browsers keep them, so two
// app instances on 127.0.0.1 see the same session cookie), redirects followed by hand, forms
// posted as a user would. Enough to drive the provider's dev interactions and the app over HTTP.
// Plain JavaScript, types in browser.d.mts: the end-to-end test and the bench share it.

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class Browser {
  #jars = new Map();
  #headers;

  constructor({ headers = {} } = {}) {
    this.#headers = headers;
  }

  async fetch(url, init = {}) {
    const target = new URL(url);
    const jar = this.#jars.get(target.hostname) ?? new Map();
    this.#jars.set(target.hostname, jar);
    const headers = { ...this.#headers };
    if (jar.size > 0) headers['cookie'] = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(target, {
      method: init.method ?? (init.form === undefined ? 'GET' : 'POST'),
      headers,
      body: init.form === undefined ? undefined : new URLSearchParams(init.form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || (/^\s*expires=/i.test(attribute) && Date.parse(attribute.split('=')[1]) < Date.now()));
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  async visit(url, init = {}) {
    let current = new URL(url);
    let response = await this.fetch(current, init);
    for (let hop = 0; REDIRECTS.has(response.status); hop++) {
      if (hop === 20) throw new Error(`More than 20 redirects from ${String(url)}`);
      await response.body?.cancel();
      current = new URL(response.headers.get('location'), current);
      response = await this.fetch(current);
    }
    return { url: current, response };
  }
}

export function formOf(html, base) {
  const form = /<form\b[^>]*>/i.exec(html)?.[0];
  const action = form === undefined ? undefined : /\baction="([^"]*)"/i.exec(form)?.[1];
  if (action === undefined) throw new Error(`No form on ${base.href}: ${html.slice(0, 300)}`);
  const fields = {};
  for (const [input] of html.matchAll(/<input\b[^>]*type="hidden"[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(input)?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(input)?.[1];
    if (name !== undefined) fields[name] = value ?? '';
  }
  return { action: new URL(action.replaceAll('&amp;', '&'), base), fields };
}

export async function signInThroughProvider(browser, appUrl, user = 'alice') {
  let { url, response } = await browser.visit(`${appUrl}/login`);
  for (let page = 0; url.origin !== appUrl; page++) {
    if (page === 5) throw new Error(`Still at the provider after ${page} pages: ${url.href}`);
    if (response.status !== 200) throw new Error(`The provider answered ${response.status} at ${url.href}`);
    const { action, fields } = formOf(await response.text(), url);
    // The dev interactions: a login page (any user) then a consent page.
    const form = fields['prompt'] === 'login' ? { ...fields, login: user, password: 'anything' } : fields;
    ({ url, response } = await browser.visit(action, { form }));
  }
  return { url, response };
}

export async function logoutConfirmation(browser, endSessionUrl) {
  const page = await browser.fetch(endSessionUrl);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('Do you want to sign-out')) throw new Error(`No logout page at ${String(endSessionUrl)} (${page.status}): ${html.slice(0, 300)}`);
  const { action, fields } = formOf(html, new URL(endSessionUrl));
  return { action, form: { ...fields, logout: 'yes' } };
}
