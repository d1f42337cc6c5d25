/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { OfficeMail, renderMail } from './office-mail';

export interface SessionMessageProps {
  organizationName: string;
  subject: string;
  /** As the writer typed it; blank lines separate paragraphs. */
  body: string;
  writerName: string;
  writerEmail: string;
  sessionName: string;
  seriesName: string;
  sessionWhen: string;
}

/** A message a coordinator (or the CME office) wrote from the dashboard about one session. */
function SessionMessage(props: SessionMessageProps) {
  const paragraphs = props.body.split(/\r?\n\s*\r?\n/).filter((paragraph) => paragraph.trim() !== '');
  return (
    <OfficeMail
      preview={paragraphs[0]?.slice(0, 120) ?? props.subject}
      heading={props.subject}
      footnote={`Written by ${props.writerName} (${props.writerEmail}) about “${props.sessionName}” (${props.seriesName}), ${props.sessionWhen}, through ${props.organizationName}’s Rounds. Reply to this email to answer ${props.writerName}.`}
    >
      {paragraphs.map((paragraph, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are fixed once written; their order is their identity
        <Text key={index} style={{ whiteSpace: 'pre-line' }}>
          {paragraph.trim()}
        </Text>
      ))}
    </OfficeMail>
  );
}

export function renderSessionMessage(props: SessionMessageProps) {
  return renderMail(props.subject, <SessionMessage {...props} />);
}
