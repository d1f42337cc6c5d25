import type { Organization, Series, Session } from '../db/schema';
import type { NewPersonErrors } from '../server/faculty';
import type { Person } from '../server/people';
import type { FacultyMember } from '../server/session-facts';
import { CheckboxField, ErrorSummary, Field, Notice, SelectField } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { sessionPath } from './session-page';
import { FACULTY_ROLE_LABELS, FacultyCard } from './faculty-member';
import { presentationPath } from '../server/presentation-types';
import { sessionClosed } from '../server/session-status';
import { formatSessionTime } from './time';

const ROLE_OPTIONS = Object.entries(FACULTY_ROLE_LABELS).map(([value, label]) => ({ value, label }));

export interface NewPersonValues {
  firstName: string;
  lastName: string;
  email: string;
  degree: string;
  role: string;
  requestDisclosure: boolean;
  requestPresentation: boolean;
}

export const EMPTY_NEW_PERSON: NewPersonValues = {
  firstName: '',
  lastName: '',
  email: '',
  degree: '',
  role: 'speaker',
  requestDisclosure: true,
  requestPresentation: false,
};

/** Manage Faculty: who teaches, their disclosures and COI status; find and add people; add someone new. */
export function FacultyPage(
  props: PageChrome & {
    organization: Organization;
    series: Series;
    session: Session;
    faculty: FacultyMember[];
    typed: string;
    /** Matches for what was typed, each with whether their disclosure is active on the session date. */
    matches: (Person & { activeDisclosure: boolean })[];
    newPerson: NewPersonValues;
    newPersonErrors?: NewPersonErrors;
    sameName?: { firstName: string; lastName: string; email: string }[];
    notice?: string | undefined;
  },
) {
  const { organization, session, faculty } = props;
  const path = `${sessionPath(organization, session)}/faculty`;
  const errors = props.newPersonErrors ?? {};
  return (
    <Layout {...props} title={`Faculty of ${session.name}`}>
      <p>
        <a href={sessionPath(organization, session)}>{session.name}</a>
      </p>
      <h1>Manage faculty</h1>
      <p class="lead">{formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}</p>
      {props.notice && <Notice>{props.notice}</Notice>}
      <section aria-labelledby="assigned-heading">
        <h2 id="assigned-heading">Faculty ({faculty.length})</h2>
        {faculty.length === 0 ? (
          <p class="muted">
            No faculty yet. A session needs a speaker, or for a case series the person who selects the cases.
          </p>
        ) : (
          <ul class="cards">
            {faculty.map((member) => (
              <FacultyCard
                member={member}
                timeZone={session.timeZone}
                presentation={{
                  path: presentationPath(sessionPath(organization, session), member),
                  manage: sessionClosed({ session, series: props.series }) === null,
                }}
              >
                <br />
                <a
                  href={`${path}/${member.id}/remove`}
                  aria-label={`Remove ${member.firstName} ${member.lastName}`}
                >
                  Remove
                </a>
              </FacultyCard>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="find-heading">
        <h2 id="find-heading">Add faculty</h2>
        <search>
          <form method="get" action={path} class="filters">
            <div class="field">
              <label for="field-q">Last name, First name</label>
              <input id="field-q" type="search" name="q" value={props.typed} autocomplete="off" />
            </div>
            <button type="submit">Find</button>
          </form>
        </search>
        {props.typed.trim() !== '' && props.matches.length === 0 && (
          <p class="muted">No one matches “{props.typed}”. Add them below if they have no account.</p>
        )}
        {props.matches.length > 0 && (
          <ul class="cards">
            {props.matches.map((person) => {
              const who = `${person.firstName} ${person.lastName}`;
              return (
                <li class="card">
                  <form method="post" action={path}>
                    <CsrfField token={props.csrfToken} />
                    <input type="hidden" name="accountId" value={person.id} />
                    <p>
                      <strong>
                        {person.lastName}, {person.firstName}
                        {person.degree ? `, ${person.degree}` : ''}
                      </strong>{' '}
                      <span class="muted">{person.email}</span>
                      <br />
                      <span class="muted">
                        {person.activeDisclosure
                          ? 'Has a disclosure active on the session date.'
                          : 'No disclosure active on the session date.'}
                      </span>
                    </p>
                    <div class="field">
                      <label for={`role-${person.id}`}>Role of {who}</label>
                      <select id={`role-${person.id}`} name="role">
                        {ROLE_OPTIONS.map((option) => (
                          <option value={option.value}>{option.label}</option>
                        ))}
                      </select>
                    </div>
                    <div class="field checkbox">
                      <input
                        type="checkbox"
                        id={`disclosure-${person.id}`}
                        name="requestDisclosure"
                        checked={!person.activeDisclosure}
                      />
                      <label for={`disclosure-${person.id}`}>Request disclosure from {who}?</label>
                    </div>
                    <div class="field checkbox">
                      <input type="checkbox" id={`presentation-${person.id}`} name="requestPresentation" />
                      <label for={`presentation-${person.id}`}>Request presentation from {who}?</label>
                    </div>
                    <button type="submit">Add {who} as faculty</button>
                  </form>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="new-person-heading">
        <h2 id="new-person-heading">Someone without an account</h2>
        <p class="hint">
          Confirm the email address they use first: a second account splits their disclosures. They are
          emailed a link to choose a password.
        </p>
        <ErrorSummary errors={errors} />
        {props.sameName && props.sameName.length > 0 && (
          <ul>
            {props.sameName.map((person) => (
              <li>
                {person.lastName}, {person.firstName} <span class="muted">{person.email}</span>
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`${path}/new-person`} novalidate>
          <CsrfField token={props.csrfToken} />
          <Field
            name="firstName"
            label="First name"
            value={props.newPerson.firstName}
            error={errors.firstName}
          />
          <Field name="lastName" label="Last name" value={props.newPerson.lastName} error={errors.lastName} />
          <Field name="email" label="Email" type="email" value={props.newPerson.email} error={errors.email} />
          <SelectField
            name="degree"
            label="Degree"
            options={organization.degrees}
            placeholder="Choose a degree"
            value={props.newPerson.degree}
            error={errors.degree}
          />
          <SelectField name="role" label="Role" options={ROLE_OPTIONS} value={props.newPerson.role} />
          <CheckboxField
            name="requestDisclosure"
            label="Request disclosure?"
            checked={props.newPerson.requestDisclosure}
          />
          <CheckboxField
            name="requestPresentation"
            label="Request presentation?"
            checked={props.newPerson.requestPresentation}
          />
          {props.sameName && props.sameName.length > 0 && (
            <CheckboxField
              name="confirmedDifferent"
              label="This is a different person: make a new account"
              checked={false}
            />
          )}
          <button type="submit">Add new person as faculty</button>
        </form>
      </section>
    </Layout>
  );
}

export function RemoveFacultyPage(
  props: PageChrome & { organization: Organization; session: Session; member: FacultyMember },
) {
  const { organization, session, member } = props;
  const path = `${sessionPath(organization, session)}/faculty`;
  return (
    <Layout {...props} title={`Remove ${member.firstName} ${member.lastName}`}>
      <h1>Remove from this session?</h1>
      <p>
        Remove{' '}
        <strong>
          {member.firstName} {member.lastName}
        </strong>{' '}
        as faculty of “{session.name}”,{' '}
        {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}? Their disclosure stays on
        file.
        {member.presentation && (
          <>
            {' '}
            Their presentation, <strong>{member.presentation.fileName}</strong>, is deleted with them:
            download it first if it is still needed.
          </>
        )}
      </p>
      <form method="post" action={`${path}/${member.id}/remove`}>
        <CsrfField token={props.csrfToken} />
        <p class="actions">
          <button type="submit" class="danger">
            Remove {member.firstName} {member.lastName}
          </button>
          <a class="button secondary" href={path}>
            Keep them
          </a>
        </p>
      </form>
    </Layout>
  );
}
