/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { OfficeMail } from './office-mail';

export interface RenewalRequestedProps {
  organizationName: string;
  recipientFirstName: string;
  seriesName: string;
  /** The year the renewal is for. */
  year: number;
  requestedBy: string;
  /** The draft awaiting review. */
  seriesUrl: string;
}

export function renewalRequestedSubject(props: Pick<RenewalRequestedProps, 'seriesName' | 'year'>): string {
  return `Renewal of ${props.seriesName} for ${props.year} awaits review`;
}

export function RenewalRequested(props: RenewalRequestedProps) {
  return (
    <OfficeMail
      preview={`${props.requestedBy} asked to renew ${props.seriesName} for ${props.year}.`}
      heading={renewalRequestedSubject(props)}
      action={{ label: 'Review the renewal', url: props.seriesUrl }}
      footnote={`You receive this as a reviewer of the ${props.organizationName} CME office.`}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        {props.requestedBy} requested renewal of {props.seriesName} for {props.year}. The draft copies this
        year's series, its owners and coordinators; approving it starts the {props.year} series year and stops
        this year's renewal reminders.
      </Text>
    </OfficeMail>
  );
}
