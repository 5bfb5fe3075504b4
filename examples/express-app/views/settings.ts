import { html, type SafeHtml } from './html.js';
import { appPage, type Viewer } from './layout.js';
import type { Notice } from './notices.js';

export function settingsPage(options: { viewer: Viewer; notice?: Notice | undefined }): SafeHtml {
  const { viewer, notice } = options;
  const on = viewer.tenant.globalLogout;
  return appPage({
    title: 'Settings',
    viewer,
    active: 'settings',
    notice,
    content: html`<div class="page-header">
  <h1>Settings</h1>
  <p class="muted">Account-level settings for everyone in ${viewer.tenant.name}. Only owners and admins can change them.</p>
</div>
<section class="card" aria-labelledby="sessions-security-title">
  <div class="card-header">
    <h2 id="sessions-security-title">Sessions &amp; security</h2>
    <p class="muted">Authentication</p>
  </div>
  <form method="post" action="/settings" class="form">
    <div class="setting">
      <div class="setting-text">
        <label for="global-logout" class="setting-title">Enable global logout</label>
        <p class="muted">Off (default): signing out ends only the session of that browser. On: signing out ends every session of that person, on every device and browser. Applies to everyone in ${viewer.tenant.name} as soon as you save.</p>
      </div>
      <label class="switch">
        <input type="checkbox" id="global-logout" name="globalLogout" value="on" ${on ? 'checked' : ''}>
        <span class="switch-track" aria-hidden="true"></span>
      </label>
    </div>
    <div class="setting">
      <div class="setting-text">
        <span class="setting-title">Session lifetime</span>
        <p class="muted">Every session expires 30 days after sign-in; expired sessions are removed hourly.</p>
      </div>
      <span class="muted">30 days</span>
    </div>
    <div><button type="submit" class="button button-primary">Save</button></div>
  </form>
</section>`,
  });
}
