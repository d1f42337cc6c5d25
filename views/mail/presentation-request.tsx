/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

export interface PresentationRequestProps {
  organizationName: string;
  recipientFirstName: string;
  sessionName: string;
  seriesName: string;
  sessionWhen: string;
  /** Where they upload it (sign-in first if needed). */
  uploadUrl: string;
  accepted: string;
  limitMb: number;
}

/** "Request presentation?" (manual): the faculty member is asked to upload their slides. */
function PresentationRequest(props: PresentationRequestProps) {
  return (
    <OfficeMail
      preview={`Please upload your presentation for ${props.sessionName}.`}
      heading="Please upload your presentation"
      action={{ label: 'Upload my presentation', url: props.uploadUrl }}
      footnote={fromOffice(props.organizationName)}
    >
      <Text>Dear {props.recipientFirstName},</Text>
      <Text>
        You are faculty for “{props.sessionName}” ({props.seriesName}), {props.sessionWhen}. The series’
        coordinators ask you to upload your presentation, so the CME office has it on record with the session.
      </Text>
      <Text>
        Sign in and choose the file: {props.accepted}, at most {props.limitMb} MB. You can replace it while
        the session is open in Rounds; the series’ coordinators and owners, the CME office and the session’s
        other faculty can download it. New to Rounds? First choose your password through the invitation we
        sent.
      </Text>
    </OfficeMail>
  );
}

export function renderPresentationRequest(props: PresentationRequestProps) {
  return renderMail(
    `Please upload your presentation for ${props.sessionName}`,
    <PresentationRequest {...props} />,
  );
}
