import { html, type SafeHtml } from './html.js';
import { appPage, publicPage, type Viewer } from './layout.js';

export function forbiddenPage(viewer: Viewer): SafeHtml {
  return appPage({
    title: 'Not allowed',
    viewer,
    content: html`<section class="card"><h1>Owners and admins only</h1><p>Ask an owner or admin of ${viewer.tenant.name} to change this for you.</p><p><a href="/">Back to the dashboard</a></p></section>`,
  });
}

export function errorPage(title: string, message: string): SafeHtml {
  return publicPage({ title, content: html`<section class="card"><h1>${title}</h1><p>${message}</p><p><a href="/">Back to Keystone</a></p></section>` });
}
