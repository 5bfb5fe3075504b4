// A browser without a browser: cookies per host name (not port, as browsers keep them, so two
// app instances on 127.0.0.1 see the same session cookie), redirects followed by hand, forms
// posted as a user would. Enough to drive the provider's dev interactions and the app over HTTP.

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface Visit {
  readonly url: URL;
  readonly response: Response;
}

export class Browser {
  readonly #jars = new Map<string, Map<string, string>>();

  /** One request, with this host's cookies; keeps what it sets. Never follows redirects. */
  async fetch(url: URL | string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.#jars.get(target.hostname) ?? new Map<string, string>();
    this.#jars.set(target.hostname, jar);
    const headers: Record<string, string> = {};
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
      const expired = value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || (/^\s*expires=/i.test(attribute) && Date.parse(attribute.split('=')[1]!) < Date.now()));
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `url` (at most 20) and answers the first page that is not one. */
  async visit(url: URL | string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Visit> {
    let current = new URL(url);
    let response = await this.fetch(current, init);
    for (let hop = 0; REDIRECTS.has(response.status); hop++) {
      if (hop === 20) throw new Error(`More than 20 redirects from ${String(url)}`);
      await response.body?.cancel();
      current = new URL(response.headers.get('location')!, current);
      response = await this.fetch(current);
    }
    return { url: current, response };
  }
}

/** The first form of a page: where it posts and its hidden fields. */
export function formOf(html: string, base: URL): { action: URL; fields: Record<string, string> } {
  const form = /<form\b[^>]*>/i.exec(html)?.[0];
  const action = form === undefined ? undefined : /\baction="([^"]*)"/i.exec(form)?.[1];
  if (action === undefined) throw new Error(`No form on ${base.href}: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const [input] of html.matchAll(/<input\b[^>]*type="hidden"[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(input)?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(input)?.[1];
    if (name !== undefined) fields[name] = value ?? '';
  }
  return { action: new URL(action.replaceAll('&amp;', '&'), base), fields };
}
