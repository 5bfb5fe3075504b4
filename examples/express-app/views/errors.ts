import { html, type SafeHtml } from './html.js';
import { appPage, publicPage, type Viewer } from './layout.js';

export function forbiddenPage(viewer: Viewer): SafeHtml {
  return appPage({
    title: 'Not allowed',
    viewer,
    content: html`<section class="card"><h1>Owners and admins only</h1><p>Ask an owner or admin of ${viewer.tenant.name} to change this for you.</p><p><a href="/">Back to the dashboard</a></p></section>`,
  });
}

/** A sensitive action tried during support access ("View as"): refused, whoever asks. */
export function supportAccessRefusedPage(viewer: Viewer): SafeHtml {
  const by = viewer.supportBy?.name ?? 'A teammate';
  return appPage({
    title: 'Not during support access',
    viewer,
    content: html`<section class="card" data-testid="support-refused"><h1>Not during support access</h1><p>${by} is viewing as ${viewer.user.name}. Changing the password or email and signing devices out need ${viewer.user.name}'s own password, typed on their own device, so they are refused here.</p><p><a href="/">Back to the dashboard</a></p></section>`,
  });
}

export function errorPage(title: string, message: string): SafeHtml {
  return publicPage({ title, content: html`<section class="card"><h1>${title}</h1><p>${message}</p><p><a href="/">Back to Keystone</a></p></section>` });
}
