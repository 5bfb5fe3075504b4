/**
 * The only script of the demo, served as /assets/app.js: confirmation dialogs for
 * destructive forms (`data-confirm-*`), and the "Use" buttons of the demo accounts. Every
 * page works without it; the forms then submit without asking.
 */
export const CLIENT_SCRIPT = `'use strict';
(() => {
  const dialog = document.getElementById('confirm-dialog');
  let pending = null;
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirmTitle || !dialog || typeof dialog.showModal !== 'function') return;
    event.preventDefault();
    pending = form;
    dialog.querySelector('[data-slot="title"]').textContent = form.dataset.confirmTitle;
    dialog.querySelector('[data-slot="body"]').textContent = form.dataset.confirmBody || '';
    dialog.querySelector('[data-slot="confirm"]').textContent = form.dataset.confirmAction || 'Confirm';
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog?.addEventListener('close', () => {
    const form = pending;
    pending = null;
    if (form && dialog.returnValue === 'confirm') form.submit();
  });
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-fill-email]') : null;
    const form = document.getElementById('login-form');
    if (!button || !form) return;
    form.elements.email.value = button.dataset.fillEmail;
    form.elements.password.value = button.dataset.fillPassword;
    form.elements.password.focus();
  });
  // Close the account menu when clicking elsewhere.
  document.addEventListener('click', (event) => {
    for (const menu of document.querySelectorAll('details.account-menu[open]')) {
      if (!menu.contains(event.target)) menu.removeAttribute('open');
    }
  });
})();
`;
