import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { SeriesYearActivities } from '../activities/series-year';
import { isMonthDay, isValidTimeZone, reminderInstants, yearEndsAt } from './calendar';

export interface SeriesYearInput {
  seriesId: string;
  organizationId: string;
  year: number;
  /** The organization's IANA zone: the year ends at Dec 31 23:59:59 there. */
  timeZone: string;
  /** 'MM-DD' fall dates for renewal reminders (organization setting). */
  reminderDates: string[];
}

export interface SeriesYearState {
  seriesId: string;
  year: number;
  phase: 'active' | 'expired';
  /** The organization's zone the year is reckoned in (it follows a change on the settings page). */
  timeZone: string;
  /** ISO instant the year ends (the first instant after Dec 31 23:59:59 local). */
  endsAt: string;
  /** ISO instant of the next renewal reminder, or null when none remains or it was renewed. */
  nextReminderAt: string | null;
  /** 'YYYY-MM-DD' local dates reminders went out on. */
  remindersSent: string[];
  renewal: { seriesId: string; year: number } | null;
}

export const getStateQuery = defineQuery<SeriesYearState>('getState');
export const renewalApprovedSignal = defineSignal<[{ seriesId: string; year: number }]>('renewalApproved');
/** The organization's settings changed: its zone or its reminder dates. The year re-plans. */
export interface OrganizationPolicy {
  timeZone: string;
  reminderDates: string[];
}
export const organizationPolicyChangedSignal =
  defineSignal<[OrganizationPolicy]>('organizationPolicyChanged');

export function seriesYearWorkflowId(seriesId: string, year: number): string {
  return `series-${seriesId}-${year}`;
}

const { sendRenewalReminder, expireSeries } = proxyActivities<SeriesYearActivities>({
  startToCloseTimeout: '1 minute',
  // Mail and the database recover; a series year can wait hours for them without losing its place.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

/**
 * A series year: approved → active until Dec 31 23:59:59 in the organization's zone, with renewal
 * reminders to owners and coordinators on the organization's fall dates until a renewal is approved
 * → expired (no new sessions).
 */
export async function seriesYear(input: SeriesYearInput): Promise<SeriesYearState> {
  // Input
  if (!Number.isInteger(input.year) || !isValidTimeZone(input.timeZone)) {
    throw ApplicationFailure.nonRetryable(
      `invalid series year ${input.year} in ${input.timeZone}`,
      'invalid_input',
    );
  }
  let timeZone = input.timeZone;
  let endsAt = yearEndsAt(input.year, timeZone);
  let reminderDates = input.reminderDates.filter(isMonthDay);
  let planChanged = false;

  // State and handlers
  const state: SeriesYearState = {
    seriesId: input.seriesId,
    year: input.year,
    phase: 'active',
    timeZone,
    endsAt: endsAt.toISOString(),
    nextReminderAt: null,
    remindersSent: [],
    renewal: null,
  };
  setHandler(getStateQuery, () => state);
  setHandler(renewalApprovedSignal, (renewal) => {
    state.renewal = renewal;
    state.nextReminderAt = null;
  });
  setHandler(organizationPolicyChangedSignal, (policy) => {
    // A zone Intl does not know would make every instant wrong: keep the one we have.
    if (isValidTimeZone(policy.timeZone)) {
      timeZone = policy.timeZone;
      endsAt = yearEndsAt(input.year, timeZone);
      state.timeZone = timeZone;
      state.endsAt = endsAt.toISOString();
    }
    reminderDates = policy.reminderDates.filter(isMonthDay);
    planChanged = true;
  });

  // Active until Dec 31 23:59:59 local, with a renewal reminder on each fall date until renewed.
  // Each turn waits for the next of those two; a renewal or new settings wake it to re-plan.
  for (;;) {
    const next = state.renewal
      ? undefined
      : reminderInstants(input.year, reminderDates, timeZone).find(
          (r) => r.at.getTime() > Date.now() && r.at < endsAt && !state.remindersSent.includes(r.on),
        );
    state.nextReminderAt = next ? next.at.toISOString() : null;
    const wait = (next ? next.at : endsAt).getTime() - Date.now();
    if (!next && wait <= 0) break;
    planChanged = false;
    const renewedMeanwhile = () => next !== undefined && state.renewal !== null;
    if (await condition(() => planChanged || renewedMeanwhile(), wait)) continue;
    if (!next) break;
    await sendRenewalReminder({ seriesId: input.seriesId, year: input.year, reminderOn: next.on });
    state.remindersSent.push(next.on);
  }
  state.nextReminderAt = null;

  // Expired: no new sessions may be added
  await expireSeries({ seriesId: input.seriesId, year: input.year });
  state.phase = 'expired';
  return state;
}
