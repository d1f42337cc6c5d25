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
import type { ReactNode } from 'react';

/**
 * The frame of every message Rounds sends: a heading, the body, at most one button with its address
 * spelled out (some mail clients strip buttons), and a footnote (by default, who it is from).
 */
export function OfficeMail(props: {
  preview: string;
  heading: string;
  action?: { label: string; url: string } | undefined;
  /** The last line: who it is from ("<organization> CME office"), or a note of its own. */
  footnote: string;
  children: ReactNode;
}) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ fontFamily: 'system-ui, sans-serif', color: '#1d2433' }}>
        <Container>
          <Heading as="h1">{props.heading}</Heading>
          {props.children}
          {props.action ? (
            <>
              <Button
                href={props.action.url}
                style={{ background: '#1f5fbf', color: '#fff', padding: '10px 16px' }}
              >
                {props.action.label}
              </Button>
              <Text>
                If the button does not work, open this address:{' '}
                <Link href={props.action.url}>{props.action.url}</Link>
              </Text>
            </>
          ) : null}
          <Text style={{ color: '#5b6476', fontSize: '13px' }}>{props.footnote}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** Subject, HTML and plain text of a rendered message. */
export async function renderMail(subject: string, element: ReactNode) {
  return {
    subject,
    html: await render(element),
    text: await render(element, { plainText: true }),
  };
}

/** The footnote of a message from an organization's CME office. */
export function fromOffice(organizationName: string): string {
  return `${organizationName} CME office`;
}
