import type { Organization } from '../db/schema';
import type { FieldErrors } from '../server/forms';
import { ErrorSummary, FormAlert } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { NewPasswordFields } from './person-fields';

export function ResetPasswordPage(
  props: PageChrome & {
    organization: Organization;
    token: string;
    errors?: FieldErrors;
    /** The link is unknown, used or expired: no form, a way to ask for a new one. */
    invalidLink?: string | undefined;
  },
) {
  const { organization, errors = {} } = props;
  const base = `/${organization.code}`;
  return (
    <Layout {...props} title="Choose a new password">
      <h1>Choose a new password</h1>
      {props.invalidLink ? (
        <>
          <FormAlert>{props.invalidLink}</FormAlert>
          <p>
            <a href={`${base}/forgot-password`}>Request a new link</a>
          </p>
        </>
      ) : (
        <>
          <ErrorSummary errors={errors} />
          <form method="post" action={`${base}/reset-password`} novalidate>
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="token" value={props.token} />
            <NewPasswordFields organization={organization} errors={errors} label="New password" />
            <button type="submit">Set new password</button>
          </form>
        </>
      )}
    </Layout>
  );
}
