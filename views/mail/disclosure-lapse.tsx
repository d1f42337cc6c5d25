/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface DisclosureLapsingProps {
  organizationName: string;
  recipientFirstName: string;
  /** "Mar 3, 2027, 9:15 AM EST" */
  lapsesAt: string;
  daysBefore: number;
  /** Sessions they teach after the lapse, each "Name — when". */
  sessions: string[];
  formUrl: string;
}

/** To a faculty member whose disclosure lapses before sessions they teach. */
function DisclosureLapsing(props: DisclosureLapsingProps) {
  return (
    <OfficeMail
      preview={`Your disclosure lapses in ${props.daysBefore} days.`}
      heading="Your disclosure is about to lapse"
      footnote={fromOffice(props.organizationName)}
      action={{ label: 'Submit a new disclosure', url: props.formUrl }}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        Your financial disclosure lapses on {props.lapsesAt}, one year after you submitted it. You teach{' '}
        {props.sessions.length === 1 ? 'this session' : `these ${props.sessions.length} sessions`} after that
        date, and each needs a disclosure submitted less than a year before it:
      </Text>
      {props.sessions.map((session) => (
        <Text key={session}>• {session}</Text>
      ))}
      <Text>Submitting a new disclosure now keeps them eligible for credit.</Text>
    </OfficeMail>
  );
}

export function renderDisclosureLapsing(props: DisclosureLapsingProps) {
  return renderMail(`Your disclosure lapses in ${props.daysBefore} days`, <DisclosureLapsing {...props} />);
}

export interface DisclosureLapsedProps {
  organizationName: string;
  recipientFirstName: string;
  facultyName: string;
  /** The sessions of the recipient's series it touches, each "Name — when". */
  sessions: string[];
  dashboardUrl: string;
}

/** To the coordinators of sessions a lapsed disclosure leaves INCOMPLETE. */
function DisclosureLapsed(props: DisclosureLapsedProps) {
  return (
    <OfficeMail
      preview={`${props.facultyName}’s disclosure lapsed.`}
      heading="A faculty disclosure lapsed"
      footnote={fromOffice(props.organizationName)}
      action={{ label: 'Open the dashboard', url: props.dashboardUrl }}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        {props.facultyName}’s financial disclosure lapsed today. Until they submit a new one, these sessions
        are INCOMPLETE and cannot be approved for credit:
      </Text>
      {props.sessions.map((session) => (
        <Text key={session}>• {session}</Text>
      ))}
      <Text>They have been reminded. You can also send them the disclosure form’s link.</Text>
    </OfficeMail>
  );
}

export function renderDisclosureLapsed(props: DisclosureLapsedProps) {
  return renderMail(`Disclosure lapsed: ${props.facultyName}`, <DisclosureLapsed {...props} />);
}
