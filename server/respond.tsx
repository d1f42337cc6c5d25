import type { Context } from 'hono';
import { ERRORS, type ErrorCode } from '../workflows/errors';
import { ErrorPage } from '../views/error-page';
import type { AppEnv } from './context';

/** Answers with the error's status and wording: a fragment to htmx, a whole page otherwise. */
export function renderError(c: Context<AppEnv>, code: ErrorCode, detail?: string) {
  const { status, message } = ERRORS[code];
  const text = detail ?? message;
  if (c.req.header('HX-Request')) {
    return c.html(
      <p class="alert alert-error" role="alert">
        {text}
      </p>,
      status,
    );
  }
  return c.html(
    <ErrorPage
      title={status === 404 ? 'Not found' : 'Something needs attention'}
      message={text}
      organization={c.get('organization') ?? null}
      viewer={c.get('viewer') ?? null}
      csrfToken={c.get('csrfToken') ?? ''}
    />,
    status,
  );
}
