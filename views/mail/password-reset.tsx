/** @jsxImportSource react */
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Html,
  Link,
  Preview,
  Text,
  render,
} from '@react-email/components';

export interface PasswordResetProps {
  organizationName: string;
  recipientFirstName: string;
  resetUrl: string;
  expiresInMinutes: number;
}

export function passwordResetSubject(props: Pick<PasswordResetProps, 'organizationName'>): string {
  return `Reset your ${props.organizationName} CME password`;
}

export function PasswordReset(props: PasswordResetProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>Choose a new password for your CME account.</Preview>
      <Body style={{ fontFamily: 'system-ui, sans-serif', color: '#1d2433' }}>
        <Container>
          <Heading as="h1">Reset your password</Heading>
          <Text>Dear {props.recipientFirstName},</Text>
          <Text>
            Someone, hopefully you, asked to reset the password of your {props.organizationName} CME account.
            This link works once, for the next {props.expiresInMinutes} minutes:
          </Text>
          <Button
            href={props.resetUrl}
            style={{ background: '#1f5fbf', color: '#fff', padding: '10px 16px' }}
          >
            Choose a new password
          </Button>
          <Text>
            If the button does not work, open this address:{' '}
            <Link href={props.resetUrl}>{props.resetUrl}</Link>
          </Text>
          <Text style={{ color: '#5b6476', fontSize: '13px' }}>
            If you did not ask for this, ignore this email: your password stays as it is. Choosing a new
            password also unlocks an account locked after too many failed sign-ins.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export async function renderPasswordReset(props: PasswordResetProps) {
  const element = <PasswordReset {...props} />;
  return {
    subject: passwordResetSubject(props),
    html: await render(element),
    text: await render(element, { plainText: true }),
  };
}
