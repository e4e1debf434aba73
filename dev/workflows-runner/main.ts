/**
 * `npm run workflows:runner`: the runner alone, on port 8190 (or `TANDEM_WORKFLOWS_PORT`), with
 * a running controllable clock that `POST /_dev/clock/advance {"seconds": N}` moves forward.
 */
import { ControllableClock } from '../controllable-clock.js';
import { startWorkflowsRunner } from './api-server.js';

const port = Number(process.env.TANDEM_WORKFLOWS_PORT ?? 8190);
const project = process.env.GOOGLE_CLOUD_PROJECT ?? 'demo-tandem';
const runner = await startWorkflowsRunner({
  port,
  host: process.env.TANDEM_WORKFLOWS_HOST ?? '127.0.0.1',
  clock: new ControllableClock(),
  project,
  devClockEndpoints: true,
});
process.stdout.write(
  `Workflows runner listening on ${runner.url}\n` +
    `  deploy:  curl -X POST '${runner.url}/v1/projects/${project}/locations/us-central1/workflows?workflowId=hello' -H 'content-type: application/json' -d '{"sourceContents": "- done:\\n    return: hello"}'\n` +
    `  clock:   curl ${runner.url}/_dev/clock\n`,
);
const stop = (): void => {
  void runner.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
