import { defineQuery, defineSignal } from '@temporalio/workflow';

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
