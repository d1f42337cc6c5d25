import { hashPassword } from '../server/auth/password';
import { and, eq } from 'drizzle-orm';
import { DEMO_PASSWORD, type DemoSeed } from '../db/seed/demo';
import {
  accountRoles,
  accounts,
  disclosureRelationships,
  disclosures,
  type RelationshipNature,
  type Series,
  type Session,
  sessionFaculty,
  sessions,
} from '../db/schema';
import { freshAttendanceCodes } from '../server/attendance-codes';
import { sessionState } from '../server/session-facts';
import { emailKey } from '../server/identifiers';
import { PDFDocument } from '@cantoo/pdf-lib';
import { addFaculty } from '../server/faculty';
import { uploadPresentation } from '../server/presentations';
import { createClaimWindowLifecycle } from '../server/lifecycles/claim-window';
import { createDisclosureLifecycle } from '../server/lifecycles/disclosures';
import { createSessionApprovalLifecycle } from '../server/lifecycles/session-approval';
import { approveSession, reviewRelationship } from '../server/review';
import type { Runtime } from '../server/runtime';
import type { Actor } from '../server/series';
import { InvalidSessionInput, findSession, sessionOperations } from '../server/sessions';
import { addDays, localDate } from '../workflows/calendar';
import { NO_REPEAT } from '../views/session-form-page';

const DAY = 86_400_000;

/** Demo faculty who never sign in: each one shows the dashboard a different disclosure. */
const DEMO_FACULTY = [
  { key: 'osei', firstName: 'Amara', lastName: 'Osei', degree: 'MD' },
  { key: 'romero', firstName: 'Luis', lastName: 'Romero', degree: 'DO' },
  { key: 'fischer', firstName: 'Lena', lastName: 'Fischer', degree: 'MD' },
  { key: 'hale', firstName: 'Victor', lastName: 'Hale', degree: 'MD' },
  { key: 'cho', firstName: 'Hannah', lastName: 'Cho', degree: 'PharmD' },
] as const;
type FacultyKey = (typeof DEMO_FACULTY)[number]['key'];

/**
 * Sessions of the demo's Medicine Grand Rounds in every status, with faculty whose disclosures are
 * active, lapsing, missing, or not mitigable, made through the operations coordinators and
 * reviewers use; their approval lifecycles run in Temporal, and one session two days out opens an
 * escalation ticket of its own accord.
 */
export async function seedDemoSessions(runtime: Runtime, demo: DemoSeed, grandRounds: Series): Promise<void> {
  const { db } = runtime.database;
  const { organization, accountIds } = demo;
  const now = runtime.clock.now();
  const nowFn = () => runtime.clock.now();
  const reviewer = {
    account: {
      id: accountIds.reviewer,
      organizationId: organization.id,
      firstName: 'Priya',
      lastName: 'Shah',
    },
    roles: new Set(['reviewer'] as const),
  };
  const coordinator: Actor = {
    account: { id: accountIds.coordinator, organizationId: organization.id },
    roles: new Set(['learner']),
  };

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const faculty = {} as Record<FacultyKey, string>;
  for (const person of DEMO_FACULTY) {
    const email = `${person.key}@demo.rounds.test`;
    const [made] = await db
      .insert(accounts)
      .values({
        organizationId: organization.id,
        email,
        emailKey: emailKey(email),
        firstName: person.firstName,
        lastName: person.lastName,
        degree: person.degree,
        profession: 'Physician',
        passwordHash,
        emailConfirmedAt: now,
      })
      .returning({ id: accounts.id });
    if (!made) throw new Error(`demo faculty ${person.key} was not returned`);
    await db.insert(accountRoles).values({ accountId: made.id, role: 'faculty' });
    faculty[person.key] = made.id;
  }

  /** A disclosure submitted `daysAgo` days ago, with these relationships. */
  const disclose = async (
    key: FacultyKey,
    daysAgo: number,
    relationships: { company: string; nature: RelationshipNature }[] = [],
    ownerOrEmployee = false,
  ) => {
    const submittedAt = new Date(now.getTime() - daysAgo * DAY);
    const person = DEMO_FACULTY.find((one) => one.key === key);
    const [made] = await db
      .insert(disclosures)
      .values({
        organizationId: organization.id,
        accountId: faculty[key],
        submittedAt,
        attestedAt: submittedAt,
        hasRelationships: relationships.length > 0,
        ownerOrEmployee,
        signature: `${person?.firstName} ${person?.lastName}`,
      })
      .returning();
    if (!made) throw new Error('demo disclosure was not returned');
    if (relationships.length > 0) {
      await db
        .insert(disclosureRelationships)
        .values(relationships.map((r) => ({ ...r, disclosureId: made.id })));
    }
    return made;
  };
  const made = [
    await disclose('osei', 60),
    await disclose('romero', 30),
    await disclose('hale', 90, [{ company: 'Zenith Devices', nature: 'employee' }], true),
    await disclose('cho', 120, [{ company: 'Acme Pharma', nature: 'consultant' }]),
    // Lapses in about three weeks, before the session it is needed for.
    await disclose('fischer', 345),
  ];

  // Dates inside the series' year, from a week ahead (from late November the demo year is next year).
  const today = localDate(now, organization.timeZone);
  const yearStart = `${grandRounds.year}-01-05`;
  const weekOut = addDays(today, 7);
  const base = weekOut > yearStart ? weekOut : yearStart;
  const operations = sessionOperations({ db, clock: runtime.clock });
  const add = async (name: string, date: string) => {
    const created = await createDemoSessions(name, date);
    const [session] = created.sessions;
    if (!session) throw new Error(`demo session ${name} was not created`);
    return session;
  };
  // A refusal names the session and its fields, so a failed seed says which date broke which rule.
  const createDemoSessions = (name: string, date: string) =>
    operations
      .createSessions(
        grandRounds,
        {
          name,
          date,
          startTime: '12:00',
          endTime: '13:00',
          timeZone: organization.timeZone,
          location: 'Auditorium B',
          department: grandRounds.department,
          objectives: '',
          specialties: grandRounds.specialties.join(', '),
          professions: grandRounds.professions,
          credits: grandRounds.creditsPerSession,
          claimMinutesBefore: '',
          claimMinutesAfter: '',
          requiresRegistration: false,
          notes: '',
        },
        NO_REPEAT,
        coordinator,
      )
      .catch((error: unknown) => {
        const fields = error instanceof InvalidSessionInput ? ` ${JSON.stringify(error.fields)}` : '';
        throw new Error(`the demo session "${name}" on ${date} was refused:${fields || ` ${error}`}`);
      });
  const found = async (session: Session) => {
    const row = await findSession(db, organization.id, session.id);
    if (!row) throw new Error('demo session vanished');
    return row;
  };
  const teach = async (session: Session, key: FacultyKey) =>
    addFaculty(
      { db, now: nowFn },
      await found(session),
      { accountId: faculty[key], role: 'speaker', requestDisclosure: false, requestPresentation: false },
      coordinator,
    );

  const sessions: Session[] = [];
  // APPROVED: nothing to disclose, approved by the reviewer.
  const approved = await add('Heart failure therapies', base);
  await teach(approved, 'osei');
  await approveSession({ db, now: nowFn }, await found(approved), reviewer);
  // Its speaker's slides, uploaded by the coordinator: a PDF made here, so the demo has a file to download.
  const slides = await PDFDocument.create();
  slides
    .addPage()
    .drawText('Heart failure therapies: Medicine Grand Rounds (demo slides)', { x: 40, y: 700, size: 14 });
  await uploadPresentation(
    { db, now: nowFn },
    await found(approved),
    faculty.osei,
    { name: 'Heart failure therapies – Osei.pdf', bytes: await slides.save() },
    runtime.config.PRESENTATION_MAX_MB * 1024 * 1024,
    coordinator,
  );
  // PENDING: nothing to disclose, awaiting approval.
  const pending = await add('Sepsis bundles in the emergency department', addDays(base, 1));
  await teach(pending, 'romero');
  // IN REVIEW: a consultant relationship awaits a reviewer's judgement.
  const inReview = await add('Anticoagulation after valve replacement', addDays(base, 2));
  await teach(inReview, 'cho');
  // REJECTED: an employee of the device's maker, judged immitigable.
  const rejected = await add('Transcatheter valve devices compared', addDays(base, 3));
  await teach(rejected, 'hale');
  const [zenith] = await db
    .select({ id: disclosureRelationships.id })
    .from(disclosureRelationships)
    .where(
      and(
        eq(disclosureRelationships.company, 'Zenith Devices'),
        eq(disclosureRelationships.nature, 'employee'),
      ),
    );
  if (zenith) {
    await reviewRelationship(
      { db, now: nowFn },
      await found(rejected),
      zenith.id,
      {
        outcome: 'immitigable',
        steps: [],
        otherStep: '',
        rationale: 'An employee of the maker of the devices compared cannot present them.',
        signature: 'Priya Shah',
      },
      reviewer,
    );
  }
  // INCOMPLETE: a speaker with no disclosure on file; no faculty yet; a disclosure lapsing first.
  const missing = await add('Antibiotic stewardship', addDays(base, 4));
  await addFaculty(
    { db, now: nowFn },
    await found(missing),
    { accountId: accountIds.faculty, role: 'speaker', requestDisclosure: false, requestPresentation: false },
    coordinator,
  );
  const noFaculty = await add('Pain management after surgery', addDays(base, 5));
  const lapsing = await add('Delirium prevention on the wards', addDays(base, 28));
  await teach(lapsing, 'fischer');
  sessions.push(approved, pending, inReview, rejected, missing, noFaculty, lapsing);
  // Two days out and not approved: its lifecycle opens an escalation ticket at once.
  const soon = addDays(today, 2);
  if (soon.startsWith(String(grandRounds.year))) {
    const urgent = await add('Stroke code pathway', soon);
    sessions.push(urgent);
  }

  const quarterHour = 15 * 60_000;
  const thisQuarterHour = Math.floor(now.getTime() / quarterHour) * quarterHour;
  const underWay = await seedPastSession(runtime, demo, grandRounds, faculty.osei, {
    name: 'Hyponatremia on the wards',
    startsAt: new Date(thisQuarterHour - 30 * 60_000),
  });
  // Four days ago: its claim window (two days after the end) has closed, so learners can ask for exceptions.
  await seedPastSession(runtime, demo, grandRounds, faculty.osei, {
    name: 'Anemia in older adults',
    startsAt: new Date(thisQuarterHour - 4 * DAY),
  });

  const lifecycle = createSessionApprovalLifecycle(
    runtime.temporal,
    runtime.config.TEMPORAL_TASK_QUEUE,
    nowFn,
  );
  const refreshed = await Promise.all(sessions.map(async (session) => (await found(session)).session));
  await lifecycle.start(organization.id, refreshed, organization.holidays);
  await createClaimWindowLifecycle(runtime.temporal, runtime.config.TEMPORAL_TASK_QUEUE).start(
    organization.id,
    [...refreshed, underWay],
  );
  const disclosureLifecycle = createDisclosureLifecycle(runtime.temporal, runtime.config.TEMPORAL_TASK_QUEUE);
  for (const disclosure of made) await disclosureLifecycle.submitted(organization, disclosure, [], []);
}

/**
 * A session that has begun or passed, approved a week before it began: one under way, so a
 * newcomer can claim it at once (on the web, by QR, or by text on the phone page), and one whose
 * window has closed. Coordinators cannot date a session in the past, so it is written directly,
 * and approved against its facts as a reviewer would. Its dates are real ones even when the demo
 * series are of next year (a December start).
 */
async function seedPastSession(
  runtime: Runtime,
  demo: DemoSeed,
  grandRounds: Series,
  speakerId: string,
  what: { name: string; startsAt: Date },
): Promise<Session> {
  const { db } = runtime.database;
  const { startsAt } = what;
  const [code] = await freshAttendanceCodes(db, demo.organization.id, 1);
  const [session] = await db
    .insert(sessions)
    .values({
      seriesId: grandRounds.id,
      organizationId: demo.organization.id,
      attendanceCode: code ?? 'DEMO2',
      name: what.name,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 60 * 60_000),
      timeZone: demo.organization.timeZone,
      location: 'Auditorium B',
      department: grandRounds.department,
      credits: grandRounds.creditsPerSession,
      createdById: demo.accountIds.coordinator,
    })
    .returning();
  if (!session) throw new Error(`the demo session ${what.name} was not returned`);
  await db.insert(sessionFaculty).values({ sessionId: session.id, accountId: speakerId, role: 'speaker' });
  const state = await sessionState(db, session, grandRounds);
  const [approved] = await db
    .update(sessions)
    .set({
      approvedBasis: state.status.basis,
      approvedAt: new Date(startsAt.getTime() - 7 * DAY),
      approvedById: demo.accountIds.reviewer,
    })
    .where(eq(sessions.id, session.id))
    .returning();
  return approved ?? session;
}
