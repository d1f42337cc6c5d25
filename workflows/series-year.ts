import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
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
export const reminderDatesChangedSignal = defineSignal<[{ reminderDates: string[] }]>('reminderDatesChanged');

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
  const endsAt = yearEndsAt(input.year, input.timeZone);
  let reminderDates = input.reminderDates.filter(isMonthDay);
  let planChanged = false;

  // State and handlers
  const state: SeriesYearState = {
    seriesId: input.seriesId,
    year: input.year,
    phase: 'active',
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
  setHandler(reminderDatesChangedSignal, ({ reminderDates: dates }) => {
    reminderDates = dates.filter(isMonthDay);
    planChanged = true;
  });

  // Renewal reminders, each fall date until renewed
  while (!state.renewal) {
    const next = reminderInstants(input.year, reminderDates, input.timeZone).find(
      (r) => r.at.getTime() > Date.now() && r.at < endsAt && !state.remindersSent.includes(r.on),
    );
    if (!next) break;
    state.nextReminderAt = next.at.toISOString();
    planChanged = false;
    const interrupted = await condition(
      () => state.renewal !== null || planChanged,
      next.at.getTime() - Date.now(),
    );
    if (interrupted) continue;
    await sendRenewalReminder({ seriesId: input.seriesId, year: input.year, reminderOn: next.on });
    state.remindersSent.push(next.on);
  }
  state.nextReminderAt = null;

  // Active through Dec 31 23:59:59 local; reminder-date changes no longer matter
  const untilEnd = endsAt.getTime() - Date.now();
  if (untilEnd > 0) await sleep(untilEnd);

  // Expired: no new sessions may be added
  await expireSeries({ seriesId: input.seriesId, year: input.year });
  state.phase = 'expired';
  return state;
}
