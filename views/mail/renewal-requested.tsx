/** @jsxImportSource react */
import { Body, Button, Container, Head, Heading, Html, Preview, Text } from '@react-email/components';

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
    <Html lang="en">
      <Head />
      <Preview>{`${props.requestedBy} asked to renew ${props.seriesName} for ${props.year}.`}</Preview>
      <Body style={{ fontFamily: 'system-ui, sans-serif', color: '#1d2433' }}>
        <Container>
          <Heading as="h1">{renewalRequestedSubject(props)}</Heading>
          <Text>Dear {props.recipientFirstName},</Text>
          <Text>
            {props.requestedBy} requested renewal of {props.seriesName} for {props.year}. The draft copies
            this year's series, its owners and coordinators; approving it starts the {props.year} series year
            and stops this year's renewal reminders.
          </Text>
          <Button
            href={props.seriesUrl}
            style={{ background: '#1f5fbf', color: '#fff', padding: '10px 16px' }}
          >
            Review the renewal
          </Button>
          <Text style={{ color: '#5b6476', fontSize: '13px' }}>
            You receive this as a reviewer of the {props.organizationName} CME office.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}
