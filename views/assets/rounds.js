// Every htmx request carries the page's CSRF token (forms also post it as _csrf).
document.addEventListener('htmx:config:request', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const detail = event.detail;
  if (meta && detail?.ctx?.request?.headers) {
    detail.ctx.request.headers['X-CSRF-Token'] = meta.getAttribute('content');
  }
});

// A form that came back with problems: its summary takes focus, so the list of fields to fix is
// the first thing read and reached.
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('[data-error-summary]');
  if (summary instanceof HTMLElement) summary.focus();
});

// After an in-place change (approve, unlock, save roles) the swapped-in part says what happened and
// carries data-focus-here: focus goes there, on the changed row, not back to the top of the page.
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (!(node instanceof HTMLElement)) continue;
      const target = node.matches('[data-focus-here]') ? node : node.querySelector('[data-focus-here]');
      if (target instanceof HTMLElement) {
        target.focus();
        return;
      }
    }
  }
}).observe(document.documentElement, { childList: true, subtree: true });

// People pickers: "Remove" takes the person out of the chosen list, and focus goes back to the
// picker's search box, ready for the next name.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-remove-chosen]') : null;
  if (!button) return;
  const picker = button.closest('fieldset');
  button.closest('li')?.remove();
  picker?.querySelector('input[type="search"]')?.focus();
});

// Enter in a picker's search box looks people up; it must not submit the form around it.
document.addEventListener('keydown', (event) => {
  const box = event.target;
  if (event.key !== 'Enter' || !(box instanceof HTMLInputElement) || !box.closest('.people-picker')) return;
  if (box.type !== 'search') return;
  event.preventDefault();
  box.dispatchEvent(new Event('search'));
});

// "Print" on a page meant to be printed (test results, a transcript): the browser's own dialog.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-print]') : null;
  if (button) window.print();
});
