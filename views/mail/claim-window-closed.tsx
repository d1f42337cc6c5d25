/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface ClaimWindowClosedProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  sessionWhen: string;
  /** "30 by text, 10 by QR code, 2 on the web". */
  byChannel: string;
  claims: number;
  sessionUrl: string;
}

/** The claim window closed: the coordinators hear how many recorded attendance, and how. */
function ClaimWindowClosed(props: ClaimWindowClosedProps) {
  const summary =
    props.claims === 0
      ? 'Nobody recorded attendance.'
      : `${props.claims} ${props.claims === 1 ? 'person' : 'people'} recorded attendance: ${props.byChannel}.`;
  return (
    <OfficeMail
      preview={`Attendance closed for ${props.sessionName}. ${summary}`}
      heading="Attendance closed"
      action={{ label: 'Open the session', url: props.sessionUrl }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        The claim window for “{props.sessionName}” ({props.sessionWhen}) has closed. {summary}
      </Text>
    </OfficeMail>
  );
}

export function renderClaimWindowClosed(props: ClaimWindowClosedProps) {
  return renderMail(`Attendance closed: ${props.sessionName}`, <ClaimWindowClosed {...props} />);
}
