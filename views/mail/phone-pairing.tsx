/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface PhonePairingRequestProps {
  organizationName: string;
  recipientFirstName: string;
  /** The phone that texted this account's email. */
  phone: string;
  smsNumber: string;
  code: string;
  url: string;
  expiresInMinutes: number;
}

/** Someone texted this account's email from a phone: only the mailbox's owner can finish the pairing. */
function PhonePairingRequest(props: PhonePairingRequestProps) {
  return (
    <OfficeMail
      preview={`Pair ${props.phone} with your account to record attendance by text.`}
      heading="Pair your phone for text attendance"
      action={{ label: 'Pair this phone', url: props.url }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        The phone {props.phone} texted your email address to {props.smsNumber || 'our number'}, asking to
        record attendance for your account. To pair it, open the link below, or text this code back from that
        phone within {props.expiresInMinutes} minutes:
      </Text>
      <Text style={{ fontSize: '28px', fontWeight: 'bold', letterSpacing: '4px' }}>{props.code}</Text>
      <Text>
        If this was not you, do nothing: the phone is not paired unless you confirm, and nobody else sees this
        code.
      </Text>
    </OfficeMail>
  );
}

export function renderPhonePairingRequest(props: PhonePairingRequestProps) {
  return renderMail('Pair your phone for text attendance', <PhonePairingRequest {...props} />);
}

export interface PhoneUnpairedProps {
  organizationName: string;
  recipientFirstName: string;
  phone: string;
  when: string;
  profileUrl: string;
}

/** A phone paired with another account: its previous owner hears why their texts stopped counting. */
function PhoneUnpaired(props: PhoneUnpairedProps) {
  return (
    <OfficeMail
      preview={`${props.phone} no longer records attendance for your account.`}
      heading="Your phone is no longer paired"
      action={{ label: 'Open my profile', url: props.profileUrl }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        On {props.when} the phone {props.phone} was paired with another account, so texts from it no longer
        record attendance for yours. A number can belong to one account at a time.
      </Text>
      <Text>
        If that phone is still yours, pair it again by texting your email address to our number, or from your
        profile. If you did not expect this, tell the CME office.
      </Text>
    </OfficeMail>
  );
}

export function renderPhoneUnpaired(props: PhoneUnpairedProps) {
  return renderMail('Your phone is no longer paired with your account', <PhoneUnpaired {...props} />);
}
