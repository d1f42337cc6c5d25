/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface SessionStatusCheckProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  seriesName: string;
  /** "Tue, Dec 1, 2026, 12:00 PM – 1:00 PM EST" */
  sessionWhen: string;
  /** 5 or 3: how many days before the session this check is. */
  daysBefore: number;
  /** Days before the session at which a session not approved is escalated to the reviewers. */
  escalationDays: number;
  /** "APPROVED", "INCOMPLETE"… */
  statusLabel: string;
  approved: boolean;
  /** What keeps the session from the next status, one sentence each. */
  reasons: string[];
  /** "Mon, Nov 30, 2026" */
  deadline: string;
  sessionUrl: string;
}

/** The manual's status checks, 5 and 3 days out, made for the coordinator and mailed to them. */
function SessionStatusCheck(props: SessionStatusCheckProps) {
  return (
    <OfficeMail
      preview={
        props.approved
          ? 'All is well: the session is approved.'
          : `Status ${props.statusLabel}: action may be needed.`
      }
      heading={props.approved ? 'Approved: all is well' : `Still ${props.statusLabel}`}
      footnote={fromOffice(props.organizationName)}
      action={{ label: 'Open the session', url: props.sessionUrl }}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        “{props.sessionName}” ({props.seriesName}) is in {props.daysBefore} days: {props.sessionWhen}. Its
        status is {props.statusLabel}.
      </Text>
      {props.approved ? (
        <Text>It is approved for credit. Nothing more is needed; you may generate its flyer.</Text>
      ) : (
        <>
          <Text>What is still missing:</Text>
          {props.reasons.map((reason) => (
            <Text key={reason}>• {reason}</Text>
          ))}
          <Text>
            The 3-by-5 requirements (a topic name, faculty, and an active disclosure from each) were due by{' '}
            {props.deadline}.{' '}
            {props.daysBefore <= props.escalationDays
              ? 'The CME reviewers have been told that this session is not yet approved.'
              : `If it is not approved ${props.escalationDays} days before the session, the CME reviewers are told.`}
          </Text>
        </>
      )}
    </OfficeMail>
  );
}

export function renderSessionStatusCheck(props: SessionStatusCheckProps) {
  const subject = props.approved
    ? `Approved: ${props.sessionName} in ${props.daysBefore} days`
    : `${props.statusLabel}: ${props.sessionName} in ${props.daysBefore} days`;
  return renderMail(subject, <SessionStatusCheck {...props} />);
}
