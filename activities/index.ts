import { createClaimExceptionActivities } from './claim-exception';
import { createClaimWindowActivities } from './claim-window';
import { type CreditActivityDeps, createCreditActivities } from './credit';
import { type DisclosureActivityDeps, createDisclosureActivities } from './disclosures';
import { createSessionApprovalActivities } from './session-approval';
import { type SeriesYearActivityDeps, createSeriesYearActivities } from './series-year';

export type ActivityDeps = SeriesYearActivityDeps & DisclosureActivityDeps & CreditActivityDeps;

/** Every activity the worker registers, built over its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSeriesYearActivities(deps),
    ...createSessionApprovalActivities(deps),
    ...createDisclosureActivities(deps),
    ...createClaimWindowActivities(deps),
    ...createCreditActivities(deps),
    ...createClaimExceptionActivities(deps),
  };
}
