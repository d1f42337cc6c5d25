// The worker's workflow bundle: every lifecycle, one file each.
export { seriesYear } from './series-year';
