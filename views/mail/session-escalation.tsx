/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface SessionEscalationProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  seriesName: string;
  sessionWhen: string;
  statusLabel: string;
  reasons: string[];
  /** Days before the session it was escalated at. */
  escalationDays: number;
  coordinators: string;
  reviewUrl: string;
}

/** The escalation ticket, as the reviewers receive it. */
function SessionEscalation(props: SessionEscalationProps) {
  return (
    <OfficeMail
      preview={`${props.sessionName} is not approved and starts soon.`}
      heading={`Session not approved ${props.escalationDays} days out`}
      footnote={fromOffice(props.organizationName)}
      action={{ label: 'Review the session', url: props.reviewUrl }}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        “{props.sessionName}” ({props.seriesName}), {props.sessionWhen}, is {props.statusLabel}, not APPROVED,{' '}
        {props.escalationDays} days before it starts. An escalation ticket is open in your review queue.
      </Text>
      {props.reasons.map((reason) => (
        <Text key={reason}>• {reason}</Text>
      ))}
      <Text>Coordinators: {props.coordinators || 'none named'}.</Text>
    </OfficeMail>
  );
}

export function renderSessionEscalation(props: SessionEscalationProps) {
  return renderMail(`Escalation: ${props.sessionName} not approved`, <SessionEscalation {...props} />);
}
