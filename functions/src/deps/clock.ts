import { SystemClock } from '../adapters/clock.js';
import type { Factory } from './factory.js';

export const clock: Factory<'clock'> = () => new SystemClock();
