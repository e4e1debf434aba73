import { ExecutionsClient } from '@google-cloud/workflows';
import { CloudWorkflowsStarter } from '../adapters/cloud-workflows.js';
import type { Factory } from './factory.js';

export const workflows: Factory<'workflows'> = ({ config }) =>
  new CloudWorkflowsStarter(
    new ExecutionsClient(),
    { projectId: config.projectId, location: config.workflows.location, name: config.workflows.workflowName },
    config.workflows.escalationStepsUrl,
  );
