/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { OfficeMail, renderMail } from './office-mail';

/** One shape for the mails that carry a single-use link about the account itself. */
interface AccountNoticeProps {
  preview: string;
  heading: string;
  recipientFirstName: string;
  paragraphs: string[];
  action: { label: string; url: string };
  footnote: string;
}

function rendered(subject: string, props: AccountNoticeProps) {
  return renderMail(
    subject,
    <OfficeMail
      preview={props.preview}
      heading={props.heading}
      action={props.action}
      footnote={props.footnote}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      {props.paragraphs.map((paragraph) => (
        <Text key={paragraph}>{paragraph}</Text>
      ))}
    </OfficeMail>,
  );
}

interface Common {
  organizationName: string;
  recipientFirstName: string;
  url: string;
}

export function renderPasswordReset(props: Common & { expiresInMinutes: number }) {
  return rendered(`Reset your ${props.organizationName} CME password`, {
    preview: 'Choose a new password for your CME account.',
    heading: 'Reset your password',
    recipientFirstName: props.recipientFirstName,
    paragraphs: [
      `Someone, hopefully you, asked to reset the password of your ${props.organizationName} CME account. This link works once, for the next ${props.expiresInMinutes} minutes:`,
    ],
    action: { label: 'Choose a new password', url: props.url },
    footnote:
      'If you did not ask for this, ignore this email: your password stays as it is. Choosing a new password also unlocks an account locked after too many failed sign-ins.',
  });
}

export function renderFacultyInvitation(
  props: Common & { invitedBy: string; sessionName: string; expiresInDays: number },
) {
  return rendered(
    `You are faculty for ${props.sessionName}: set up your ${props.organizationName} CME account`,
    {
      preview: 'An account was made for you so you can complete your disclosure.',
      heading: 'Your CME account is ready',
      recipientFirstName: props.recipientFirstName,
      paragraphs: [
        `${props.invitedBy} added you as faculty for “${props.sessionName}” and made a ${props.organizationName} CME account for you with this email address.`,
        `Choose a password to sign in; then you can complete your disclosure and see your sessions. This link works once, for the next ${props.expiresInDays} days.`,
      ],
      action: { label: 'Choose my password', url: props.url },
      footnote:
        'If you already have an account under another email address, tell the CME office, so your disclosures stay in one place.',
    },
  );
}

export function renderEmailConfirmation(props: Common & { expiresInDays: number }) {
  return rendered(`Confirm your email for ${props.organizationName} CME`, {
    preview: 'Confirm your email address to finish creating your CME account.',
    heading: 'Confirm your email address',
    recipientFirstName: props.recipientFirstName,
    paragraphs: [
      `Thank you for creating a ${props.organizationName} CME account. Confirm that this address is yours, and you can claim credit and be added as faculty.`,
      `This link works once, for the next ${props.expiresInDays} days; you will be asked for the password you chose.`,
    ],
    action: { label: 'Confirm my email', url: props.url },
    footnote: 'If you did not create an account, ignore this email: nothing is confirmed without you.',
  });
}

export function renderSignUpAttempt(props: Common & { expiresInMinutes: number }) {
  return rendered(`Someone tried to create a ${props.organizationName} CME account with your email`, {
    preview: 'You already have an account. Reset your password here if you need to.',
    heading: 'You already have an account',
    recipientFirstName: props.recipientFirstName,
    paragraphs: [
      `Someone, perhaps you, tried to create a new ${props.organizationName} CME account with this email address. You already have one, and one account keeps all your credit in one place, so no second account was made.`,
      `If you forgot your password, choose a new one here. This link works once, for the next ${props.expiresInMinutes} minutes.`,
    ],
    action: { label: 'Choose a new password', url: props.url },
    footnote: 'If it was not you, ignore this email: your account and password stay as they are.',
  });
}

export function renderSignInPaused(props: Common & { failedSignIns: number; pausedUntil: string }) {
  return rendered(`Sign-in to your ${props.organizationName} CME account is paused`, {
    preview: 'Several wrong passwords were tried on your account. Unlock it here.',
    heading: 'Sign-in to your account is paused',
    recipientFirstName: props.recipientFirstName,
    paragraphs: [
      `${props.failedSignIns} wrong passwords were tried on your ${props.organizationName} CME account in a row, so signing in with a password is paused until ${props.pausedUntil}. Browsers you already signed in from still can, and any session you have open keeps working.`,
      'If it was you, unlock your account here and sign in on this browser straight away.',
    ],
    action: { label: 'Unlock my account', url: props.url },
    footnote:
      'If it was not you, someone may be guessing your password. Your account is safe while it is paused; consider choosing a new, longer password.',
  });
}
