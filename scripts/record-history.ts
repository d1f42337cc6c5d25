/**
 * Records event histories of series years on the time-skipping server into test/histories/:
 *   series-year-renewed.json    approved, one reminder, renewal approved, expired
 *   series-year-replanned.json  approved, one reminder, new zone and dates from settings, expired
 *   session-approval-moved.json    planned, five-day check, moved two weeks, checks again, ticket, started
 *   disclosure-request-submitted.json  asked, reminded, submitted
 *   disclosure-term-lapsed.json    submitted, reminders 30 and 7 days out, lapsed, a session told
 *   claim-window-rotated.json      waits, opens, a new code every 10 minutes, moved, holds, closes
 *   claim-exception-approved.json  asked, reminded twice, approved
 *   credit-recorded.json           started by an attendance, told again, the credit on record
 *   credit-certified.json          attended, an evaluation owed, reminded a week before it is due,
 *                                  evaluated, the credit on record and a certificate issued
 * The replay test runs today's workflow code against them, so a change that would break running
 * workflows fails CI. Re-record only on purpose, when a change is meant to be incompatible.
 */
import { writeFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../test/support/temporal';
import { addDays, instantAt, localDate, zonedInstant } from '../workflows/calendar';
import { requestEndedSignal } from '../workflows/disclosure-request';
import {
  type SeriesYearInput,
  organizationPolicyChangedSignal,
  renewalApprovedSignal,
} from '../workflows/series-year';
import { checkInstants, type SessionPlan, sessionChangedSignal } from '../workflows/session-approval';
import { claimWindowChangedSignal } from '../workflows/claim-window';
import { exceptionDecidedSignal } from '../workflows/claim-exception';
import {
  attendanceRecordedSignal,
  type CreditProgress,
  requirementsChangedSignal,
} from '../workflows/credit';

type Handle = Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>;
const DAY = 86_400_000;
const ZONE = 'America/New_York';

interface Scenario {
  workflowType: string;
  input(now: number): unknown;
  run(env: TestWorkflowEnvironment, handle: Handle, input: never): Promise<void>;
}

async function advanceTo(env: TestWorkflowEnvironment, instant: Date) {
  await env.sleep(instant.getTime() - (await env.currentTimeMs()));
}

function seriesYearInput(now: number): SeriesYearInput {
  return {
    seriesId: '00000000-0000-4000-8000-000000000001',
    organizationId: '00000000-0000-4000-8000-0000000000aa',
    year: new Date(now).getUTCFullYear() + 1,
    timeZone: ZONE,
    reminderDates: ['09-15', '10-15', '11-15'],
  };
}

function sessionPlanIn(now: number, days: number): SessionPlan {
  const day = addDays(localDate(new Date(now), ZONE), days);
  return {
    startsAt: instantAt(day, '12:00', ZONE).toISOString(),
    timeZone: ZONE,
    holidays: [],
    active: true,
  };
}

const scenarios: Record<string, Scenario> = {
  'series-year-renewed': {
    workflowType: 'seriesYear',
    input: seriesYearInput,
    async run(env, handle, input: SeriesYearInput) {
      await advanceTo(env, zonedInstant({ year: input.year, month: 9, day: 20 }, input.timeZone));
      await handle.signal(renewalApprovedSignal, {
        seriesId: '00000000-0000-4000-8000-000000000002',
        year: input.year + 1,
      });
    },
  },
  'series-year-replanned': {
    workflowType: 'seriesYear',
    input: seriesYearInput,
    async run(env, handle, input: SeriesYearInput) {
      await advanceTo(env, zonedInstant({ year: input.year, month: 9, day: 20 }, input.timeZone));
      await handle.signal(organizationPolicyChangedSignal, {
        timeZone: 'America/Los_Angeles',
        reminderDates: ['09-15', '10-01', '12-01'],
      });
    },
  },
  'session-approval-moved': {
    workflowType: 'sessionApproval',
    input: (now) => ({
      sessionId: '00000000-0000-4000-8000-000000000003',
      organizationId: '00000000-0000-4000-8000-0000000000aa',
      plan: sessionPlanIn(now, 20),
    }),
    async run(env, handle, input: { plan: SessionPlan }) {
      const [five] = checkInstants(input.plan);
      if (five) await advanceTo(env, new Date(five.at.getTime() + 3_600_000));
      const moved = {
        ...input.plan,
        startsAt: new Date(Date.parse(input.plan.startsAt) + 14 * DAY).toISOString(),
      };
      await handle.signal(sessionChangedSignal, { reason: 'date', plan: moved });
      await env.sleep(2 * DAY);
      await handle.signal(sessionChangedSignal, { reason: 'faculty' });
    },
  },
  'disclosure-request-submitted': {
    workflowType: 'disclosureRequest',
    input: (now) => ({
      sessionId: '00000000-0000-4000-8000-000000000003',
      accountId: '00000000-0000-4000-8000-000000000004',
      organizationId: '00000000-0000-4000-8000-0000000000aa',
      startsAt: new Date(now + 30 * DAY).toISOString(),
      reminderDays: 7,
    }),
    async run(env, handle) {
      await env.sleep(8 * DAY);
      await handle.signal(requestEndedSignal, { because: 'submitted' });
    },
  },
  'claim-window-rotated': {
    workflowType: 'claimWindow',
    input: (now) => {
      // An hour-long session two hours from now, its window 15 minutes before to 90 after.
      const startsAt = now - (now % 60_000) + 2 * 60 * 60_000;
      claimPlan.opensAt = new Date(startsAt - 15 * 60_000).toISOString();
      claimPlan.endsAt = new Date(startsAt + 60 * 60_000).toISOString();
      claimPlan.closesAt = new Date(startsAt + 150 * 60_000).toISOString();
      return {
        sessionId: '00000000-0000-4000-8000-000000000007',
        organizationId: '00000000-0000-4000-8000-0000000000aa',
      };
    },
    async run(env, handle) {
      await env.sleep(2 * 60 * 60_000);
      // Running over by half an hour: the coordinator moves the end.
      claimPlan.endsAt = new Date(Date.parse(claimPlan.endsAt) + 30 * 60_000).toISOString();
      claimPlan.closesAt = new Date(Date.parse(claimPlan.closesAt) + 30 * 60_000).toISOString();
      await handle.signal(claimWindowChangedSignal);
    },
  },
  'claim-exception-approved': {
    workflowType: 'claimException',
    input: () => ({
      exceptionId: '00000000-0000-4000-8000-000000000008',
      organizationId: '00000000-0000-4000-8000-0000000000aa',
      reminderDays: 3,
    }),
    async run(env, handle) {
      await env.sleep(7 * DAY);
      await handle.signal(exceptionDecidedSignal, { approved: true });
    },
  },
  'credit-recorded': {
    workflowType: 'credit',
    input: () => ({
      organizationId: '00000000-0000-4000-8000-0000000000aa',
      sessionId: '00000000-0000-4000-8000-000000000003',
      accountId: '00000000-0000-4000-8000-000000000004',
    }),
    // As the relay starts it (signal-with-start), and a second attendance told after, which changes nothing.
    async run(_env, handle) {
      await handle.signal(attendanceRecordedSignal, { claimId: '00000000-0000-4000-8000-000000000009' });
      await handle.signal(attendanceRecordedSignal, { claimId: '00000000-0000-4000-8000-000000000010' });
    },
  },
  'credit-certified': {
    workflowType: 'credit',
    input: (now) => {
      creditPlan.dueAt = new Date(now + 30 * DAY).toISOString();
      creditPlan.evaluationDone = false;
      return {
        organizationId: '00000000-0000-4000-8000-0000000000aa',
        sessionId: '00000000-0000-4000-8000-000000000003',
        accountId: '00000000-0000-4000-8000-000000000004',
      };
    },
    async run(env, handle) {
      await handle.signal(attendanceRecordedSignal, { claimId: '00000000-0000-4000-8000-000000000009' });
      await env.sleep(25 * DAY);
      creditPlan.evaluationDone = true;
      await handle.signal(requirementsChangedSignal);
    },
  },
  'disclosure-term-lapsed': {
    workflowType: 'disclosureTerm',
    input: (now) => ({
      disclosureId: '00000000-0000-4000-8000-000000000005',
      accountId: '00000000-0000-4000-8000-000000000004',
      organizationId: '00000000-0000-4000-8000-0000000000aa',
      submittedAt: new Date(now).toISOString(),
      lapseReminderDays: [30, 7],
    }),
    async run() {},
  },
};

/** The claim window's plan as the recording's database would have it (the scenario sets it). */
const claimPlan = { opensAt: '', endsAt: '', closesAt: '', active: true };

/** The credit's requirements as the recording's database would have them (the scenario sets them). */
const creditPlan: CreditProgress = {
  dueAt: '',
  evaluation: true,
  evaluationDone: false,
  test: false,
  testPassed: false,
  testAttemptsLeft: 0,
  lapsed: false,
  certificate: true,
};

/** Activities that always succeed: a history records what the workflow decided, not what mail did. */
const activities = {
  claimWindowPlan: async () => ({ ...claimPlan }),
  rotateClaimCode: async () => ({ rotateMinutes: 10 }),
  closeClaimWindow: async () => ({ claims: 12 }),
  askCoordinators: async () => 'sent' as const,
  sendRenewalReminder: async () => 1,
  expireSeries: async () => {},
  checkSessionStatus: async () => ({ status: 'pending' }),
  escalateSession: async () => ({ ticketId: '00000000-0000-4000-8000-000000000006' }),
  sendDisclosureRequest: async () => 'requested' as const,
  remindDisclosureLapse: async () => 'sent' as const,
  recordCredit: async () => ({ creditedAt: '2026-03-03T17:10:00.000Z' }),
  openCreditRequirements: async () => ({ ...creditPlan }),
  creditProgress: async () => ({ ...creditPlan }),
  remindLearner: async () => ({ ...creditPlan }),
  closeRequirements: async () => ({ ...creditPlan }),
  issueCertificate: async () => ({ serial: '7KQ2M9XD4HTA' }),
  disclosureLapsed: async () => ({ superseded: false, sessionIds: ['00000000-0000-4000-8000-000000000003'] }),
};

async function record(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  name: string,
  scenario: Scenario,
) {
  const input = scenario.input(await env.currentTimeMs());
  const taskQueue = `record-${name}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  const history = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(scenario.workflowType, {
      taskQueue,
      workflowId: `record-${name}`,
      args: [input],
    });
    await scenario.run(env, handle, input as never);
    await handle.result();
    return handle.fetchHistory();
  });
  const file = new URL(`../test/histories/${name}.json`, import.meta.url);
  const plain = proto.temporal.api.history.v1.History.toObject(
    history as proto.temporal.api.history.v1.History,
    {
      longs: String,
      enums: String,
      bytes: String,
    },
  );
  await writeFile(file, `${JSON.stringify(plain, null, 1)}\n`);
  console.log(`wrote ${file.pathname} (${history.events?.length} events)`);
}

const env = await createTimeSkippingEnvironment();
try {
  const bundle = await bundleWorkflows();
  const only = process.argv[2];
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (!only || only === name) await record(env, bundle, name, scenario);
  }
} finally {
  await env.teardown();
}
