export interface SeriesYearLifecycle {
  placeholder(): void;
}
