// The worker's workflow bundle: every lifecycle, one file each.
export { disclosureRequest } from './disclosure-request';
export { disclosureTerm } from './disclosure-term';
export { seriesYear } from './series-year';
export { sessionApproval } from './session-approval';
export { claimWindow } from './claim-window';
export { credit } from './credit';
export { claimException } from './claim-exception';
