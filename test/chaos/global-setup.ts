import { clearChaosFigures, printChaosReport } from './report.js';

/**
 * The chaos tier forgets the figures of an earlier run and, at the end, prints those its suites
 * recorded. A suite that needs emulators adds the integration tier's setup beside this one.
 */
export default function setup(): () => void {
  clearChaosFigures();
  return () => printChaosReport();
}
