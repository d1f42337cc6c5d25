/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { OfficeMail } from './office-mail';

export interface RenewalReminderProps {
  organizationName: string;
  recipientFirstName: string;
  seriesName: string;
  year: number;
  /** Where owners and coordinators request renewal. */
  seriesUrl: string;
}

export function renewalReminderSubject(props: Pick<RenewalReminderProps, 'seriesName' | 'year'>): string {
  return `Renew ${props.seriesName} for ${props.year + 1}`;
}

export function RenewalReminder(props: RenewalReminderProps) {
  return (
    <OfficeMail
      preview={`${props.seriesName} is approved only through December 31, ${props.year}.`}
      heading={renewalReminderSubject(props)}
      action={{ label: 'Request renewal', url: props.seriesUrl }}
      footnote="You receive this because you are an owner or coordinator of this series. Reminders stop once the renewal is approved."
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        {props.seriesName} is approved for credit only through December 31, {props.year}. Sessions cannot be
        scheduled after that date until the series is renewed for {props.year + 1}.
      </Text>
      <Text>
        Request renewal now so the {props.organizationName} CME office can review it before the new year.
      </Text>
    </OfficeMail>
  );
}
