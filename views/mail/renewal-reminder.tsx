/** @jsxImportSource react */
import { Body, Button, Container, Head, Heading, Html, Preview, Text } from '@react-email/components';

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
    <Html lang="en">
      <Head />
      <Preview>{`${props.seriesName} is approved only through December 31, ${props.year}.`}</Preview>
      <Body style={{ fontFamily: 'system-ui, sans-serif', color: '#1d2433' }}>
        <Container>
          <Heading as="h1">{renewalReminderSubject(props)}</Heading>
          <Text>Dear {props.recipientFirstName},</Text>
          <Text>
            {props.seriesName} is approved for credit only through December 31, {props.year}. Sessions cannot
            be scheduled after that date until the series is renewed for {props.year + 1}.
          </Text>
          <Text>
            Request renewal now so the {props.organizationName} CME office can review it before the new year.
          </Text>
          <Button
            href={props.seriesUrl}
            style={{ background: '#1f5fbf', color: '#fff', padding: '10px 16px' }}
          >
            Request renewal
          </Button>
          <Text style={{ color: '#5b6476', fontSize: '13px' }}>
            You receive this because you are an owner or coordinator of this series. Reminders stop once the
            renewal is approved.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}
