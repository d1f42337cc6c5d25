import type { SeriesYearInput, SeriesYearState } from '../../workflows/series-year';

/**
 * The only way the rest of Rounds starts, signals or reads a series-year workflow; routes never
 * spell out workflow IDs.
 */
export interface SeriesYearLifecycle {
  /** Starts the year; a workflow already running for this series and year counts as success. */
  start(input: SeriesYearInput): Promise<void>;
  /** Tells last year's workflow its renewal was approved, which stops its reminders. */
  renewalApproved(previous: { seriesId: string; year: number }, renewal: { seriesId: string; year: number }): Promise<void>;
  /** Where the year stands, read from the workflow; null when no workflow exists for it. */
  describe(seriesId: string, year: number): Promise<SeriesYearState | null>;
  /** The organization's reminder dates changed: every running year re-plans its reminders. */
  reminderDatesChanged(organizationId: string, reminderDates: string[]): Promise<void>;
}
