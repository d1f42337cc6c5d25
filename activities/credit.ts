import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  accounts,
  certificates,
  claims,
  type CreditRequirement,
  creditRequirements,
  evaluationForms,
  organizations,
  postTests,
  series,
  sessions,
  testAttempts,
} from '../db/schema';
import { certificateFileName, formatSerial, newSerial, verificationUrl } from '../server/certificates';
import type { Clock } from '../server/clock';
import { requirementsOwed, resolveCreditPlan } from '../server/credit-requirements';
import type { Mailer } from '../server/mail';
import type { Texter } from '../server/texting';
import { learnerName } from '../server/transcripts';
import { renderCertificatePdf } from '../views/certificate-pdf';
import { certificateMailFor } from '../views/mail/certificate';
import { renderCreditSteps } from '../views/mail/credit-steps';
import { formatInstant, formatSessionTime } from '../views/time';
import type { CreditActivities, CreditProgress } from '../workflows/credit';

export interface CreditActivityDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  publicUrl: string;
  /** Reminders also go by text to a paired phone that has not stopped; absent, by email only. */
  texter?: Texter;
}

/**
 * Side effects of the learner's credit lifecycle. Idempotent: requirements are fixed once per
 * claim, mail and texts are keyed, a credit is recorded once and a certificate issued once.
 */
export function createCreditActivities({
  db,
  clock,
  mailer,
  publicUrl,
  texter,
}: CreditActivityDeps): CreditActivities {
  /** The claim with everything its credit depends on; null when the claim is gone. */
  async function claimFacts(claimId: string) {
    const [row] = await db
      .select({ claim: claims, session: sessions, series, organization: organizations, account: accounts })
      .from(claims)
      .innerJoin(sessions, eq(sessions.id, claims.sessionId))
      .innerJoin(series, eq(series.id, sessions.seriesId))
      .innerJoin(organizations, eq(organizations.id, claims.organizationId))
      .innerJoin(accounts, eq(accounts.id, claims.accountId))
      .where(eq(claims.id, claimId));
    return row ?? null;
  }

  async function progressOf(requirement: CreditRequirement): Promise<CreditProgress> {
    let attemptsUsed = 0;
    if (requirement.testQuestions) {
      const [used] = await db
        .select({ n: count() })
        .from(testAttempts)
        .where(eq(testAttempts.claimId, requirement.claimId));
      attemptsUsed = used?.n ?? 0;
    }
    return {
      dueAt: requirement.dueAt.toISOString(),
      evaluation: requirement.evaluationQuestions !== null,
      evaluationDone: requirement.evaluationCompletedAt !== null,
      test: requirement.testQuestions !== null,
      testPassed: requirement.testPassedAt !== null,
      testAttemptsLeft: requirement.testQuestions
        ? Math.max(0, requirement.attemptsAllowed - attemptsUsed)
        : 0,
      lapsed: requirement.lapsedAt !== null,
      certificate: requirement.certificate,
    };
  }

  async function requirementOf(claimId: string): Promise<CreditRequirement | null> {
    const [row] = await db.select().from(creditRequirements).where(eq(creditRequirements.claimId, claimId));
    return row ?? null;
  }

  async function progress(claimId: string): Promise<CreditProgress | null> {
    const requirement = await requirementOf(claimId);
    return requirement ? progressOf(requirement) : null;
  }

  /** Tells the learner where their credit stands: what is owed by when, or that it lapsed. */
  async function tellLearner(
    claimId: string,
    requirement: CreditRequirement,
    stage: 'opened' | 'reminder' | 'lapsed',
    key: string,
  ): Promise<boolean> {
    const facts = await claimFacts(claimId);
    if (!facts) return false;
    const { session, organization, account } = facts;
    const owed = requirementsOwed(await progressOf(requirement));
    if (owed === null) return false;
    const myCeUrl = `${publicUrl}/${organization.code}/my-ce`;
    const dueWhen = formatInstant(requirement.dueAt, session.timeZone);
    const mail = await renderCreditSteps({
      organizationName: organization.name,
      recipientFirstName: account.firstName,
      sessionName: session.name,
      sessionWhen: formatSessionTime(session.startsAt, session.endsAt, session.timeZone),
      owed,
      dueWhen,
      stage,
      certificate: requirement.certificate,
      myCeUrl,
    });
    const sent = await mailer.send({
      idempotencyKey: key,
      organizationId: organization.id,
      kind: `credit-${stage}`,
      to: account.email,
      ...mail,
    });
    if (stage === 'reminder' && texter && account.mobile && account.smsPairedAt) {
      try {
        await texter.send(organization, {
          idempotencyKey: key,
          kind: 'credit-reminder',
          to: account.mobile,
          body: `${organization.name} CME: complete ${owed} for "${session.name}" by ${dueWhen} to receive your credit: ${myCeUrl}`,
        });
      } catch {
        // The email went; a phone Twilio refuses or cannot reach now does not hold the reminder up.
      }
    }
    return !sent.duplicate;
  }

  return {
    async recordCredit({ claimId }) {
      await db
        .update(claims)
        .set({ creditRecordedAt: clock.now() })
        .where(and(eq(claims.id, claimId), isNull(claims.creditRecordedAt)));
      const [claim] = await db
        .select({ creditRecordedAt: claims.creditRecordedAt })
        .from(claims)
        .where(eq(claims.id, claimId));
      // A claim that is gone (its session's records removed) has no credit to record.
      return { creditedAt: claim?.creditRecordedAt?.toISOString() ?? null };
    },

    async openCreditRequirements({ claimId }) {
      const existing = await requirementOf(claimId);
      if (existing) {
        // A retry after the mail failed: the same key sends it now, or finds it sent.
        if (!existing.lapsedAt) await tellLearner(claimId, existing, 'opened', `credit-opened:${claimId}`);
        return progressOf(existing);
      }
      const facts = await claimFacts(claimId);
      if (!facts) return null;
      const { claim, session, organization } = facts;
      const formId = session.evaluationFormId ?? facts.series.evaluationFormId;
      const testId = session.postTestId ?? facts.series.postTestId;
      const [form] = formId
        ? await db.select().from(evaluationForms).where(eq(evaluationForms.id, formId))
        : [];
      const [test] = testId ? await db.select().from(postTests).where(eq(postTests.id, testId)) : [];
      const now = clock.now();
      const plan = resolveCreditPlan({ session, series: facts.series, organization, now });
      const [opened] = await db
        .insert(creditRequirements)
        .values({
          claimId,
          organizationId: claim.organizationId,
          accountId: claim.accountId,
          evaluationFormId: form?.id ?? null,
          evaluationQuestions: form?.questions ?? null,
          postTestId: test?.id ?? null,
          testQuestions: test?.questions ?? null,
          passingScore: test?.passingScore ?? null,
          attemptsAllowed: test?.attemptsAllowed ?? 0,
          dueAt: plan.dueAt,
          certificate: plan.certificate,
          openedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      const requirement = opened ?? (await requirementOf(claimId));
      if (!requirement) return null;
      await tellLearner(claimId, requirement, 'opened', `credit-opened:${claimId}`);
      return progressOf(requirement);
    },

    creditProgress: ({ claimId }) => progress(claimId),

    async remindLearner({ claimId, reminder }) {
      const requirement = await requirementOf(claimId);
      if (!requirement) return null;
      if (requirement.lapsedAt === null && requirement.dueAt > clock.now()) {
        // Counted once: a retried reminder finds its mail sent and counts nothing.
        if (await tellLearner(claimId, requirement, 'reminder', `credit-reminder:${claimId}:${reminder}`)) {
          await db
            .update(creditRequirements)
            .set({ remindersSent: sql`${creditRequirements.remindersSent} + 1` })
            .where(eq(creditRequirements.claimId, claimId));
        }
      }
      return progressOf(requirement);
    },

    async closeRequirements({ claimId, at }) {
      const now = new Date(Math.max(clock.now().getTime(), Date.parse(at) || 0));
      await db
        .update(creditRequirements)
        .set({ lapsedAt: now })
        .where(
          and(
            eq(creditRequirements.claimId, claimId),
            isNull(creditRequirements.lapsedAt),
            sql`${creditRequirements.dueAt} <= ${now.toISOString()}::timestamptz`,
            sql`not ((${creditRequirements.evaluationQuestions} is null or ${creditRequirements.evaluationCompletedAt} is not null)
              and (${creditRequirements.testQuestions} is null or ${creditRequirements.testPassedAt} is not null))`,
          ),
        );
      const requirement = await requirementOf(claimId);
      if (!requirement) return null;
      // Told whenever it stands lapsed, under one key per due date: a retry after a failed mail sends it.
      if (requirement.lapsedAt) {
        await tellLearner(
          claimId,
          requirement,
          'lapsed',
          `credit-lapsed:${claimId}:${requirement.dueAt.toISOString()}`,
        );
      }
      return progressOf(requirement);
    },

    async issueCertificate({ claimId }) {
      const facts = await claimFacts(claimId);
      if (!facts) return null;
      const { claim, session, organization, account } = facts;
      let [certificate] = await db.select().from(certificates).where(eq(certificates.claimId, claimId));
      if (!certificate) {
        const serial = newSerial();
        const issuedAt = clock.now();
        const name = learnerName(account);
        const pdf = await renderCertificatePdf({
          organizationName: organization.name,
          learnerName: name,
          activityName: session.name,
          seriesName: facts.series.name,
          startsAt: session.startsAt,
          endsAt: session.endsAt,
          timeZone: session.timeZone,
          credits: claim.credits,
          creditType: facts.series.creditType,
          creditDesignationStatement: organization.creditDesignationStatement,
          accreditationStatement: organization.accreditationStatement,
          signer: organization.certificateSigner,
          serial: formatSerial(serial),
          issuedAt,
          verificationUrl: verificationUrl(publicUrl, serial),
        });
        [certificate] = await db
          .insert(certificates)
          .values({
            organizationId: organization.id,
            claimId,
            accountId: account.id,
            sessionId: session.id,
            serial,
            learnerName: name,
            activityName: session.name,
            seriesName: facts.series.name,
            activityStartsAt: session.startsAt,
            activityEndsAt: session.endsAt,
            timeZone: session.timeZone,
            credits: claim.credits,
            creditType: facts.series.creditType,
            issuedAt,
            pdf: Buffer.from(pdf),
          })
          .onConflictDoNothing({ target: certificates.claimId })
          .returning();
        // Issued meanwhile by an earlier try of this activity: that one stands.
        if (!certificate)
          [certificate] = await db.select().from(certificates).where(eq(certificates.claimId, claimId));
        if (!certificate) return null;
      }
      const mail = await certificateMailFor(
        {
          organizationName: organization.name,
          sessionName: session.name,
          credits: `${certificate.credits} ${certificate.creditType}`,
        },
        {
          recipientFirstName: account.firstName,
          serial: formatSerial(certificate.serial),
          downloadUrl: `${publicUrl}/${organization.code}/my-ce/certificates/${certificate.id}`,
        },
      );
      await mailer.send({
        idempotencyKey: `certificate:${claimId}`,
        organizationId: organization.id,
        kind: 'certificate',
        to: account.email,
        ...mail,
        attachments: [{ filename: certificateFileName(certificate), content: certificate.pdf }],
      });
      return { serial: certificate.serial };
    },
  };
}
