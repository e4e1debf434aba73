import type { TestProject } from 'vitest/node';
import integrationSetup from '../integration/global-setup.js';
import { clearChaosFigures, printChaosReport } from './report.js';

/**
 * The chaos tier runs on emulators of its own (the integration tier's setup) and, at the end,
 * prints the figures its suites recorded.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  clearChaosFigures();
  const teardown = await integrationSetup(project);
  return async () => {
    await teardown();
    printChaosReport();
  };
}
