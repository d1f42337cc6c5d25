/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface CreditStepsProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  sessionWhen: string;
  /** What is owed, in words: "the evaluation", "the evaluation and the post-test". */
  owed: string;
  dueWhen: string;
  /** 'opened': the attendance was just recorded; 'reminder': still owed; 'lapsed': past due. */
  stage: 'opened' | 'reminder' | 'lapsed';
  certificate: boolean;
  myCeUrl: string;
}

/** What a learner's credit still waits for, at each step: opened, reminded, lapsed. */
function CreditSteps(props: CreditStepsProps) {
  const reward = props.certificate ? 'your credit and certificate' : 'your credit';
  const heading =
    props.stage === 'lapsed'
      ? `Your credit for ${props.sessionName} has lapsed`
      : props.stage === 'reminder'
        ? `Reminder: ${props.owed} is due ${props.dueWhen}`
        : `Complete ${props.owed} for your credit`;
  return (
    <OfficeMail
      preview={heading}
      heading={heading}
      action={{ label: props.stage === 'lapsed' ? 'Open My CE' : 'Complete it now', url: props.myCeUrl }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      {props.stage === 'lapsed' ? (
        <Text>
          {props.owed.charAt(0).toUpperCase() + props.owed.slice(1)} for “{props.sessionName}” (
          {props.sessionWhen}) was due {props.dueWhen} and was not completed, so the credit is not on your
          record. If you could not complete it in time, ask the CME office to reopen it.
        </Text>
      ) : (
        <Text>
          Your attendance at “{props.sessionName}” ({props.sessionWhen}) is recorded. To receive {reward},
          complete {props.owed} by {props.dueWhen}, under My CE.
        </Text>
      )}
    </OfficeMail>
  );
}

export function renderCreditSteps(props: CreditStepsProps) {
  const subject =
    props.stage === 'lapsed'
      ? `Credit lapsed: ${props.sessionName}`
      : props.stage === 'reminder'
        ? `Reminder: complete ${props.owed} for ${props.sessionName}`
        : `Complete ${props.owed} for ${props.sessionName}`;
  return renderMail(subject, <CreditSteps {...props} />);
}

export interface CertificateMailProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  credits: string;
  serial: string;
  downloadUrl: string;
}

/** The certificate, attached; the link downloads it again any time. */
function CertificateMail(props: CertificateMailProps) {
  return (
    <OfficeMail
      preview={`Your certificate for ${props.sessionName} is attached.`}
      heading="Your certificate"
      action={{ label: 'Download it again', url: props.downloadUrl }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        Your certificate for “{props.sessionName}”, {props.credits}, is attached as a PDF. Its number is{' '}
        {props.serial}; anyone you show it to can check it with the link or QR code printed on it.
      </Text>
    </OfficeMail>
  );
}

export function renderCertificateMail(props: CertificateMailProps) {
  return renderMail(`Your certificate: ${props.sessionName}`, <CertificateMail {...props} />);
}

/** Stand-ins for what differs between the learners of one session, filled in by certificateMailFor. */
const PER_LEARNER = {
  recipientFirstName: 'ROUNDSFIRSTNAMEPLACE',
  serial: 'ROUNDSSERIALPLACE',
  downloadUrl: 'https://rounds.invalid/ROUNDSDOWNLOADPLACE',
} as const;

const escapeHtml = (value: string) =>
  value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#x27;');

const certificateTemplates = new Map<string, Promise<{ subject: string; html: string; text: string }>>();

/**
 * The certificate mail for one learner. A session's thousand certificates share one rendering:
 * it is rendered once with stand-ins for the learner's name, number and link, which are then
 * put in (escaped in the HTML), so each mail costs a few string replacements, not a React render.
 */
export async function certificateMailFor(
  shared: Omit<CertificateMailProps, keyof typeof PER_LEARNER>,
  learner: Pick<CertificateMailProps, keyof typeof PER_LEARNER>,
) {
  const key = JSON.stringify(shared);
  let template = certificateTemplates.get(key);
  if (!template) {
    if (certificateTemplates.size >= 100)
      certificateTemplates.delete(certificateTemplates.keys().next().value ?? '');
    template = renderCertificateMail({ ...shared, ...PER_LEARNER });
    // A rendering that failed is not kept: the next certificate tries again.
    template.catch(() => certificateTemplates.delete(key));
    certificateTemplates.set(key, template);
  }
  const { subject, html, text } = await template;
  // Replaced by a function, so a name with "$&" in it is put in as written.
  const fill = (body: string, encode: (value: string) => string) =>
    body
      .replaceAll(PER_LEARNER.recipientFirstName, () => encode(learner.recipientFirstName))
      .replaceAll(PER_LEARNER.serial, () => encode(learner.serial))
      .replaceAll(PER_LEARNER.downloadUrl, () => encode(learner.downloadUrl));
  return { subject: fill(subject, (v) => v), html: fill(html, escapeHtml), text: fill(text, (v) => v) };
}

export interface TranscriptMailProps {
  organizationName: string;
  learnerName: string;
  /** "Jan 1, 2026 to Dec 3, 2026". */
  dates: string;
  /** Sent to someone other than the learner: say who asked. */
  forSomeoneElse: boolean;
}

/** A transcript, attached as a PDF, to the learner or to whom they chose. */
function TranscriptMail(props: TranscriptMailProps) {
  return (
    <OfficeMail
      preview={`The CE transcript of ${props.learnerName}, ${props.dates}.`}
      heading="CE transcript"
      footnote={fromOffice(props.organizationName)}
    >
      <Text>
        {props.forSomeoneElse
          ? `${props.learnerName} asked us to send you their continuing-education transcript from ${props.organizationName}, ${props.dates}. It is attached as a PDF.`
          : `Your continuing-education transcript, ${props.dates}, is attached as a PDF.`}
      </Text>
    </OfficeMail>
  );
}

export function renderTranscriptMail(props: TranscriptMailProps) {
  return renderMail(`CE transcript: ${props.learnerName}`, <TranscriptMail {...props} />);
}
