import { idTokenVerifier } from '../adapters/id-token-verifier.js';
import type { Factory } from './factory.js';

export const identity: Factory<'identity'> = ({ config, clock }) => idTokenVerifier(config.identity, clock);
