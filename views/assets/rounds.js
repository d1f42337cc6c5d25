// Every htmx request carries the page's CSRF token (forms also post it as _csrf).
document.addEventListener('htmx:config:request', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const detail = event.detail;
  if (meta && detail?.ctx?.request?.headers) {
    detail.ctx.request.headers['X-CSRF-Token'] = meta.getAttribute('content');
  }
});
