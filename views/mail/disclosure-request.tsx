/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface DisclosureRequestProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  /** "Tue, Dec 1, 2026, 12:00 PM – 1:00 PM EST" */
  sessionWhen: string;
  /** The organization's one stable disclosure form link. */
  formUrl: string;
  /** 0 for the request itself, 1… for reminders. */
  reminder: number;
  /** Set when the person's disclosure is already active through the session: nothing is needed. */
  activeThrough?: string | undefined;
}

function DisclosureRequest(props: DisclosureRequestProps) {
  const notNeeded = props.activeThrough !== undefined;
  return (
    <OfficeMail
      preview={
        notNeeded
          ? 'Your disclosure on file covers this session: nothing more is needed.'
          : 'Please complete your financial disclosure so the session can be approved for credit.'
      }
      heading={notNeeded ? 'No disclosure needed' : 'Please complete your disclosure'}
      action={notNeeded ? undefined : { label: 'Complete my disclosure', url: props.formUrl }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        You are faculty for “{props.sessionName}”, {props.sessionWhen}.
      </Text>
      {notNeeded ? (
        <Text>
          Your disclosure on file is active through {props.activeThrough}, which covers this session. No
          further action is needed.
        </Text>
      ) : (
        <Text>
          {props.reminder > 0 ? 'A reminder: ' : ''}CME credit can only be offered once every faculty member
          has a financial disclosure on file, submitted less than a year before the session. It takes a few
          minutes: list any financial relationships with ineligible companies in the past 24 months, or state
          that you have nothing to disclose.
        </Text>
      )}
    </OfficeMail>
  );
}

export function disclosureRequestSubject(props: DisclosureRequestProps): string {
  if (props.activeThrough !== undefined) return `No disclosure needed for ${props.sessionName}`;
  return `${props.reminder > 0 ? 'Reminder: ' : ''}Please complete your disclosure for ${props.sessionName}`;
}

export function renderDisclosureRequest(props: DisclosureRequestProps) {
  return renderMail(disclosureRequestSubject(props), <DisclosureRequest {...props} />);
}
