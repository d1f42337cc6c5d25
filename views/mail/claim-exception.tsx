/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface ExceptionRequestProps {
  organizationName: string;
  recipientFirstName: string;
  learnerName: string;
  sessionName: string;
  sessionWhen: string;
  reason: string;
  credits: string;
  reminder: number;
  url: string;
}

/** A learner missed the claim window: the coordinators decide. */
function ExceptionRequest(props: ExceptionRequestProps) {
  return (
    <OfficeMail
      preview={`${props.learnerName} asks to record attendance for ${props.sessionName}.`}
      heading={
        props.reminder === 0 ? 'An attendance exception to decide' : 'Still waiting: an attendance exception'
      }
      action={{ label: 'Approve or deny', url: props.url }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        {props.learnerName} missed the claim window for “{props.sessionName}” ({props.sessionWhen}) and asks
        you to record their attendance, {props.credits} credits, because:
      </Text>
      <Text style={{ borderLeft: '3px solid #c8d1e0', paddingLeft: '12px' }}>{props.reason}</Text>
      <Text>
        Approve it to record the attendance, or deny it with a word to them.{' '}
        {props.reminder > 0 ? 'We will remind you again until it is decided.' : ''}
      </Text>
    </OfficeMail>
  );
}

export function renderExceptionRequest(props: ExceptionRequestProps) {
  return renderMail(
    `${props.reminder === 0 ? 'Attendance exception' : 'Reminder: attendance exception'}: ${props.sessionName}`,
    <ExceptionRequest {...props} />,
  );
}

export interface ExceptionDecidedProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  approved: boolean;
  note: string;
  myCeUrl: string;
}

/** The learner hears the coordinators' decision. */
function ExceptionDecided(props: ExceptionDecidedProps) {
  return (
    <OfficeMail
      preview={`Your attendance exception for ${props.sessionName} was ${props.approved ? 'approved' : 'denied'}.`}
      heading={props.approved ? 'Your attendance is recorded' : 'Your attendance exception was denied'}
      action={{ label: 'Open My CE', url: props.myCeUrl }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        {props.approved
          ? `The coordinators approved your request: your attendance for “${props.sessionName}” is recorded.`
          : `The coordinators denied your request to record your attendance for “${props.sessionName}”.`}
      </Text>
      {props.note ? <Text>Their note: {props.note}</Text> : null}
    </OfficeMail>
  );
}

export function renderExceptionDecided(props: ExceptionDecidedProps) {
  return renderMail(
    props.approved
      ? `Attendance recorded: ${props.sessionName}`
      : `Attendance exception denied: ${props.sessionName}`,
    <ExceptionDecided {...props} />,
  );
}
