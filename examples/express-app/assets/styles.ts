/** The demo's whole stylesheet, served as /assets/styles.css. */
export const STYLES = `:root {
  --bg: #f5f6f8;
  --surface: #ffffff;
  --border: #e3e6eb;
  --text: #1d2430;
  --muted: #5f6b7a;
  --primary: #3b4fd8;
  --primary-dark: #2f3fb3;
  --danger: #c8321f;
  --danger-bg: #fff5f3;
  --danger-border: #f3c2b9;
  --success: #0d7a45;
  --success-bg: #e9f8ef;
  --info-bg: #eef2ff;
  --radius: 12px;
  --shadow: 0 1px 2px rgba(16, 24, 40, 0.05);
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text);
  background: var(--bg);
}
a { color: var(--primary); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 0.25rem; letter-spacing: -0.01em; }
h2 { font-size: 1.08rem; margin: 0 0 0.25rem; }
p { margin: 0 0 0.75rem; }
code { font: 0.86em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.align-end { text-align: right; }

/* Header */
.topbar { background: var(--surface); border-bottom: 1px solid var(--border); }
.topbar-inner { max-width: 960px; margin: 0 auto; padding: 0 24px; height: 60px; display: flex; align-items: center; gap: 28px; }
.brand { display: inline-flex; align-items: center; gap: 8px; font-weight: 650; color: var(--text); font-size: 1.05rem; }
.brand:hover { text-decoration: none; }
.logo { width: 24px; height: 24px; color: var(--primary); }
.tenant-chip { font-size: 0.75rem; font-weight: 600; color: var(--muted); background: var(--bg); border: 1px solid var(--border); border-radius: 999px; padding: 1px 8px; }
.nav { display: flex; gap: 4px; flex: 1; }
.nav-link { color: var(--muted); padding: 6px 12px; border-radius: 8px; font-weight: 500; }
.nav-link:hover { background: var(--bg); color: var(--text); text-decoration: none; }
.nav-link.active { color: var(--text); background: var(--bg); }

/* Account menu */
.account-menu { position: relative; }
.account-menu summary { list-style: none; display: flex; align-items: center; gap: 8px; cursor: pointer; padding: 4px 8px 4px 4px; border-radius: 999px; }
.account-menu summary::-webkit-details-marker { display: none; }
.account-menu summary:hover, .account-menu[open] summary { background: var(--bg); }
.account-name { font-weight: 500; }
.chevron { width: 16px; height: 16px; color: var(--muted); }
.menu { position: absolute; right: 0; top: calc(100% + 6px); width: 240px; background: var(--surface); border: 1px solid var(--border); border-radius: 10px; box-shadow: 0 12px 32px rgba(16, 24, 40, 0.14); padding: 6px; z-index: 10; }
.menu-header { display: flex; flex-direction: column; padding: 8px 10px 10px; border-bottom: 1px solid var(--border); margin-bottom: 6px; font-size: 0.9rem; }
.menu a, .menu button { display: block; width: 100%; text-align: left; padding: 8px 10px; border-radius: 6px; color: var(--text); font: inherit; background: none; border: 0; cursor: pointer; }
.menu a:hover, .menu button:hover { background: var(--bg); text-decoration: none; }
.menu-signout { border-top: 1px solid var(--border); margin: 6px 0 0; padding-top: 6px; }
.avatar { display: inline-grid; place-items: center; width: 32px; height: 32px; border-radius: 50%; background: #dfe4ff; color: var(--primary-dark); font-weight: 650; font-size: 0.8rem; flex: none; }
.avatar-small { width: 30px; height: 30px; }

/* Layout */
.container { max-width: 960px; margin: 0 auto; padding: 32px 24px 64px; }
.page-header { margin-bottom: 24px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 16px; margin-bottom: 20px; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); padding: 24px; margin-bottom: 20px; }
.card-flush { padding: 0; overflow: hidden; }
.card-header { margin-bottom: 16px; }
.card-header p { margin: 0; }
.card-footer { display: flex; align-items: center; gap: 14px; border-top: 1px solid var(--border); margin: 16px -24px -24px; padding: 16px 24px; background: #fafbfc; border-radius: 0 0 var(--radius) var(--radius); }
.card-footer form { margin: 0; flex: none; }
.card-danger { border-color: var(--danger-border); background: var(--danger-bg); }
.card-danger h2 { color: var(--danger); }
.stat { display: flex; flex-direction: column; gap: 2px; margin: 0; }
.stat-label { color: var(--muted); font-size: 0.85rem; font-weight: 500; }
.stat-value { font-size: 1.7rem; font-weight: 650; letter-spacing: -0.02em; }

/* Notices */
.notice { border-radius: 10px; padding: 12px 16px; margin-bottom: 20px; border: 1px solid transparent; }
.notice-info { background: var(--info-bg); border-color: #d5dcff; }
.notice-success { background: var(--success-bg); border-color: #b7e6c9; color: #0b5a34; }
.notice-error { background: var(--danger-bg); border-color: var(--danger-border); color: #8f2414; }

/* Buttons and forms */
.button { display: inline-flex; align-items: center; justify-content: center; gap: 6px; font: inherit; font-weight: 550; padding: 8px 16px; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); cursor: pointer; box-shadow: var(--shadow); }
.button:hover { background: #f0f2f5; text-decoration: none; }
.button:disabled { opacity: 0.5; cursor: not-allowed; }
.button-primary { background: var(--primary); border-color: var(--primary); color: #fff; }
.button-primary:hover { background: var(--primary-dark); }
.button-danger { background: var(--danger); border-color: var(--danger); color: #fff; }
.button-danger:hover { background: #a92816; }
.button-danger-outline { color: var(--danger); border-color: var(--danger-border); }
.button-danger-outline:hover { background: var(--danger-bg); }
.button-ghost { box-shadow: none; color: var(--muted); }
.button-ghost:hover { color: var(--text); }
.button-small { padding: 4px 12px; font-size: 0.875rem; }
.button-block { width: 100%; }
.form { display: flex; flex-direction: column; gap: 14px; margin: 0; }
.form-narrow { max-width: 380px; }
.form label { display: flex; flex-direction: column; gap: 6px; font-weight: 550; font-size: 0.9rem; }
.form input[type="email"], .form input[type="password"], .form input[type="text"] { font: inherit; font-weight: 400; padding: 9px 12px; border: 1px solid #cfd5dd; border-radius: 8px; background: #fff; }
.form input:focus-visible, .button:focus-visible { outline: 3px solid #c7cffb; outline-offset: 1px; border-color: var(--primary); }
.form-footer { margin: 16px 0 0; text-align: center; font-size: 0.9rem; }
.form label.check { flex-direction: row; align-items: center; gap: 8px; font-weight: 500; }
.form-hint { margin: -8px 0 0; font-size: 0.85rem; }
.auth-divider { display: flex; align-items: center; gap: 12px; margin: 18px 0; color: var(--muted); font-size: 0.85rem; }
.auth-divider::before, .auth-divider::after { content: ''; flex: 1; border-top: 1px solid var(--border); }
.idp-hint { margin: 8px 0 0; font-size: 0.85rem; }

/* Login management */
.session-list { list-style: none; margin: 0; padding: 0; }
.session-row { display: flex; align-items: center; gap: 14px; padding: 14px 0; border-top: 1px solid var(--border); }
.session-row:first-child { border-top: 0; padding-top: 4px; }
.device-icon { display: grid; place-items: center; width: 40px; height: 40px; border-radius: 10px; background: var(--bg); color: var(--muted); flex: none; }
.device-icon svg { width: 22px; height: 22px; }
.session-text { display: flex; flex-direction: column; flex: 1; min-width: 0; }
.device-label { font-weight: 600; }
.last-used, .federated-origin { font-size: 0.875rem; }
.session-status form { margin: 0; }
.badge { display: inline-block; font-size: 0.78rem; font-weight: 600; padding: 2px 10px; border-radius: 999px; background: var(--bg); color: var(--muted); border: 1px solid var(--border); }
.badge-current { background: var(--success-bg); color: var(--success); border-color: #b7e6c9; }

/* Activity */
.activity { list-style: none; margin: 0; padding: 0; }
.activity-item { display: flex; justify-content: space-between; gap: 16px; padding: 10px 0; border-top: 1px solid var(--border); }
.activity-item:first-child { border-top: 0; padding-top: 0; }
.activity-item time { white-space: nowrap; font-size: 0.85rem; }
.activity-meta { margin-top: 2px; font-size: 0.85rem; }
.empty { margin: 0; }

/* Tables */
.table { width: 100%; border-collapse: collapse; font-size: 0.92rem; }
.table th { text-align: left; font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; padding: 10px 16px; background: #fafbfc; border-bottom: 1px solid var(--border); }
.table td { padding: 12px 16px; border-bottom: 1px solid var(--border); vertical-align: middle; }
.table tr:last-child td { border-bottom: 0; }
.table form { margin: 0; }
.inline-form { display: inline-block; margin: 0 6px 6px 0; }
.row-actions { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 6px; }
.person { display: flex; align-items: center; gap: 10px; }
.role { text-transform: capitalize; font-weight: 500; }
.role-owner { color: var(--primary-dark); }

/* Settings */
.setting { display: flex; justify-content: space-between; align-items: flex-start; gap: 24px; padding: 14px 0; border-top: 1px solid var(--border); }
.setting:first-child { border-top: 0; padding-top: 0; }
.setting-title { font-weight: 600; font-size: 0.95rem; }
.setting-text p { margin: 4px 0 0; font-size: 0.9rem; max-width: 560px; }
.form .switch { position: relative; display: inline-block; flex: none; width: 44px; height: 24px; margin-top: 2px; }
.switch input { position: absolute; opacity: 0; width: 100%; height: 100%; margin: 0; cursor: pointer; z-index: 1; }
.switch-track { position: absolute; inset: 0; background: #cfd5dd; border-radius: 999px; transition: background 0.15s; }
.switch-track::after { content: ""; position: absolute; top: 3px; left: 3px; width: 18px; height: 18px; border-radius: 50%; background: #fff; box-shadow: 0 1px 2px rgba(0, 0, 0, 0.2); transition: transform 0.15s; }
.switch input:checked + .switch-track { background: var(--primary); }
.switch input:checked + .switch-track::after { transform: translateX(20px); }
.switch input:focus-visible + .switch-track { outline: 3px solid #c7cffb; outline-offset: 1px; }

/* Sign-in and reset pages */
.auth { max-width: 420px; margin: 0 auto; padding: 56px 20px; }
.auth-wide { max-width: 980px; }
.brand-large { font-size: 1.3rem; margin-bottom: 24px; }
.brand-large .logo { width: 30px; height: 30px; }
.auth-grid { display: grid; grid-template-columns: minmax(300px, 380px) 1fr; gap: 20px; align-items: start; }
.auth-grid .card { margin: 0; }
.demo-accounts .table td, .demo-accounts .table th { padding: 8px 10px; }
.demo-accounts .table { margin: 0 -10px; width: calc(100% + 20px); }
.password { background: var(--bg); border: 1px solid var(--border); border-radius: 5px; padding: 1px 6px; color: var(--text); }
.demo-mail { border: 1px dashed #b9c2f5; background: var(--info-bg); border-radius: 10px; padding: 16px; margin: 16px 0; }
.demo-label { display: block; font-size: 0.75rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em; color: var(--primary-dark); margin-bottom: 8px; }
.outbox { list-style: none; margin: 0; padding: 0; }
/* Support access ("View as") */
.support-banner { background: #fff4d6; border-bottom: 1px solid #f0c36d; color: #5c3b00; padding: 8px 16px; text-align: center; font-weight: 600; }
.support-banner form { display: inline; }
.link-button { background: none; border: 0; padding: 0; font: inherit; color: var(--primary-dark); text-decoration: underline; cursor: pointer; }
.footnote { text-align: center; color: var(--muted); font-size: 0.85rem; margin-top: 28px; }

/* Confirmation dialog */
.dialog { border: 0; border-radius: 14px; padding: 24px; width: min(440px, calc(100vw - 32px)); box-shadow: 0 24px 64px rgba(16, 24, 40, 0.28); }
.dialog::backdrop { background: rgba(16, 24, 40, 0.45); }
.dialog h2 { font-size: 1.15rem; margin-bottom: 8px; }
.dialog-actions { display: flex; justify-content: flex-end; gap: 10px; margin-top: 20px; }

@media (max-width: 760px) {
  .auth-grid { grid-template-columns: 1fr; }
  .topbar-inner { flex-wrap: wrap; height: auto; gap: 4px 12px; padding: 10px 16px 0; }
  .topbar-inner .brand { flex: 1; }
  .nav { order: 3; flex-basis: 100%; overflow-x: auto; padding-bottom: 8px; margin: 0 -8px; }
  .account-name, .tenant-chip { display: none; }
  .nav-link { padding: 6px 8px; white-space: nowrap; }
  .card { padding: 20px; }
  .card-footer { margin: 16px -20px -20px; padding: 14px 20px; }
  .container { padding: 24px 16px 48px; }
  .auth { padding: 32px 16px; }
}

/* Phones: a table row becomes a small card of its cells, so no page scrolls sideways. */
@media (max-width: 560px) {
  .table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .table, .table tbody, .table tr, .table td { display: block; width: 100%; }
  .table tr { padding: 12px 16px; border-bottom: 1px solid var(--border); }
  .table tr:last-child { border-bottom: 0; }
  .table td, .table tr:last-child td { padding: 2px 0; border: 0; text-align: left; overflow-wrap: anywhere; }
  .table td.align-end { padding-top: 8px; }
  .row-actions { justify-content: flex-start; }
  .demo-accounts .table { margin: 0; width: 100%; }
  .demo-accounts .table tr { padding: 10px 0; }
  .demo-accounts .table td, .demo-accounts .table th { padding: 2px 0; }
  .setting { flex-direction: column; gap: 10px; }
  .activity-item { flex-direction: column; gap: 2px; }
  .session-row { flex-wrap: wrap; }
}
`;
