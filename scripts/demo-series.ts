import { ensureStandardEvaluation } from '../server/evaluation-forms';
import { eq } from 'drizzle-orm';
import { series } from '../db/schema';
import type { DemoSeed } from '../db/seed/demo';
import { seedDemoSessions } from './demo-sessions';
import type { Runtime } from '../server/runtime';
import { type Actor, seriesOperations } from '../server/series';
import { createSeriesYearLifecycle } from '../server/lifecycles/series-year';
import { currentYearIn } from '../workflows/calendar';

/**
 * Six weeks: a demo series always has at least this much of its year ahead, since its sessions run
 * from a week out to five weeks out (scripts/demo-sessions.ts) and none may pass December 31.
 */
const DEMO_LEAD_MS = 42 * 24 * 60 * 60 * 1000;

/**
 * Demo series for a freshly seeded organization, made through the same operations reviewers use,
 * so the approved ones have real series-year workflows running (visible in the Temporal UI).
 */
export async function seedDemoSeries(runtime: Runtime, demo: DemoSeed): Promise<void> {
  const { organization, accountIds } = demo;
  const operations = seriesOperations({
    db: runtime.database.db,
    clock: runtime.clock,
    seriesYear: createSeriesYearLifecycle(runtime.temporal, runtime.config.TEMPORAL_TASK_QUEUE),
    mailer: runtime.mailer,
    log: runtime.log,
    publicUrl: runtime.config.publicUrl,
  });
  const reviewer: Actor = {
    account: { id: accountIds.reviewer, organizationId: organization.id },
    roles: new Set(['reviewer']),
  };
  // From late November the demo is of next year, so its sessions can still lie ahead.
  const year = currentYearIn(organization.timeZone, new Date(runtime.clock.now().getTime() + DEMO_LEAD_MS));
  const people = { owners: [accountIds.owner], coordinators: [accountIds.coordinator] };
  const demoSeries = [
    { name: 'Medicine Grand Rounds', department: 'Internal Medicine', year, approve: true },
    { name: 'Tumor Board', department: 'Oncology', year, approve: true },
    { name: 'Cardiology Case Conference', department: 'Cardiology', year: year + 1, approve: false },
  ];
  let grandRoundsId = '';
  // Grand rounds asks for the standard evaluation before its certificate, as most series do.
  const standard = await ensureStandardEvaluation(runtime.database.db, organization.id);
  for (const s of demoSeries) {
    const created = await operations.createSeries(
      {
        name: s.name,
        department: s.department,
        year: s.year,
        ...people,
        specialties: [s.department],
        professions: ['Physician', 'Nurse', 'Pharmacist'],
        creditsPerSession: '1.00',
        evaluationFormId: s.name === 'Medicine Grand Rounds' ? standard : '',
      },
      reviewer,
    );
    if (s.approve) await operations.approveSeries(created.id, reviewer);
    if (s.name === 'Medicine Grand Rounds') grandRoundsId = created.id;
  }
  const [grandRounds] = await runtime.database.db.select().from(series).where(eq(series.id, grandRoundsId));
  if (grandRounds) await seedDemoSessions(runtime, demo, grandRounds);
}
