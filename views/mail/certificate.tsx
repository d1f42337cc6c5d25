/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

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
