import { type SeriesYearActivityDeps, createSeriesYearActivities } from './series-year';

export type ActivityDeps = SeriesYearActivityDeps;

/** Every activity the worker registers, built over its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSeriesYearActivities(deps),
  };
}
