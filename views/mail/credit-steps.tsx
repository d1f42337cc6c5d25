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
