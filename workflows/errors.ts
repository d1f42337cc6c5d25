/**
 * The one error vocabulary. Pages map a code to an HTTP status and wording; workflows throw
 * ApplicationFailure with the code as its type, so a caller of an update sees the same words.
 * Pure data: workflows import it.
 */
export const ERRORS = {
  invalid_input: { status: 400, message: 'Some fields need attention.' },
  bad_request: {
    status: 400,
    message: 'We could not read what your browser sent. Reload the page and try again.',
  },
  payload_too_large: {
    status: 413,
    message: 'That was more than this page accepts. Shorten what you typed and try again.',
  },
  file_too_large: {
    status: 413,
    message: 'That file is larger than Rounds accepts here. Go back and choose a smaller one.',
  },
  rate_limited: {
    status: 429,
    message: 'Too many attempts. Wait a few minutes and try again.',
  },
  not_signed_in: { status: 401, message: 'Please sign in.' },
  forbidden: { status: 403, message: 'You do not have access to that page.' },
  not_found: { status: 404, message: 'We could not find that.' },
  csrf_failed: {
    status: 403,
    message: 'This form expired or came from another site. Reload the page and try again.',
  },
  // Sign-in says the same for an unknown email, a wrong password and a locked account, so it never
  // tells a stranger which emails have accounts; the owner of a locked one gets an email.
  bad_credentials: {
    status: 401,
    message:
      'That email and password do not match an account. Just created it? Open the link we emailed you first. After several tries sign-in pauses, and the account’s owner is emailed a link to unlock it.',
  },
  // Pages add how long to wait ("Try again in 2 minutes.").
  sign_in_paused: { status: 429, message: 'Too many failed sign-ins from your network.' },
  link_invalid: {
    status: 400,
    message: 'This link has expired or was already used. Request a new one.',
  },
  email_unconfirmed: {
    status: 409,
    message:
      'This person has not confirmed their email address yet; only the learner role is possible until they do.',
  },
  series_year_past: {
    status: 409,
    message: 'That year has already ended; a series can only be approved for the current or a future year.',
  },
  series_already_approved: { status: 409, message: 'This series is already approved; nothing changed.' },
  series_not_submitted: { status: 409, message: 'Only a series awaiting review can be approved.' },
  series_already_renewed: {
    status: 409,
    message: 'A renewal for this series was already requested; nothing changed.',
  },
  series_not_renewable: {
    status: 409,
    message: 'Only an approved series can be renewed.',
  },
  series_not_approved: {
    status: 409,
    message: 'Sessions can be added once the series is approved.',
  },
  series_expired: {
    status: 409,
    message: 'This series’ year has ended: its sessions can no longer be added or changed.',
  },
  session_deactivated: {
    status: 409,
    message: 'This session was deactivated; it is kept for the record and can no longer be changed.',
  },
  session_already_approved: { status: 409, message: 'This session is already approved; nothing changed.' },
  flyer_not_ready: { status: 409, message: 'There is no flyer for this session yet.' },
  session_not_ready: {
    status: 409,
    message: 'Only a PENDING session can be approved: everything must be in and every relationship judged.',
  },
  internal: {
    status: 500,
    message:
      'Something went wrong on our side. It was logged; please try again, and tell the CME office if it keeps happening.',
  },
  unavailable: { status: 503, message: 'A service Rounds depends on is unavailable. Try again shortly.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Thrown by domain code outside workflows; routes turn it into a page or fragment. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'DomainError';
  }
}
