/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { fromOffice, OfficeMail, renderMail } from './office-mail';

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
