import { PubSubEventBus } from '../adapters/pubsub-event-bus.js';
import type { Factory } from './factory.js';

export const bus: Factory<'bus'> = ({ config }) => PubSubEventBus.forProject(config.projectId);
