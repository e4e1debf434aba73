import { JsonLogger } from '../adapters/json-logger.js';
import type { Factory } from './factory.js';

export const log: Factory<'log'> = () => new JsonLogger();
