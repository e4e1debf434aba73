import { HttpWorkflowCallbacks } from '../adapters/cloud-workflows.js';
import { MetadataAccessToken } from '../adapters/metadata-access-token.js';
import type { Factory } from './factory.js';

export const workflowCallbacks: Factory<'workflowCallbacks'> = ({ clock }) => {
  const token = new MetadataAccessToken(clock);
  return new HttpWorkflowCallbacks(() => token.get());
};
