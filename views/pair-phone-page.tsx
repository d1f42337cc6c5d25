import type { Organization } from '../db/schema';
import { FormAlert } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

/**
 * The emailed pairing link lands here. Opening it changes nothing (mail scanners open links too);
 * the button pairs the phone.
 */
export function PairPhonePage(
  props: PageChrome & {
    organization: Organization;
    token?: string;
    phone?: string;
    email?: string;
    paired?: boolean;
    invalidLink?: string | undefined;
  },
) {
  const { organization } = props;
  const base = `/${organization.code}`;
  const number = organization.smsNumber;
  return (
    <Layout {...props} title="Pair your phone">
      <h1>Pair your phone</h1>
      {props.invalidLink ? (
        <>
          <FormAlert>{props.invalidLink}</FormAlert>
          <p>
            Text your email address{number ? ` to ${number}` : ''} again for a new link, or pair your phone
            from your <a href={`${base}/profile`}>profile</a>.
          </p>
        </>
      ) : props.paired ? (
        <>
          <p class="alert alert-ok" role="status">
            Your phone number has been updated. Texts from {props.phone} now record attendance for{' '}
            {props.email}.
          </p>
          <p>Text a session’s attendance code{number ? ` to ${number}` : ''} to record your attendance.</p>
        </>
      ) : (
        <form method="post" action={`${base}/pair-phone`}>
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="token" value={props.token} />
          <p>
            Texts from <strong>{props.phone}</strong> will record attendance for{' '}
            <strong>{props.email}</strong>. Pair them only if that phone is yours.
          </p>
          <p class="actions">
            <button type="submit">Pair this phone</button>
          </p>
        </form>
      )}
    </Layout>
  );
}
