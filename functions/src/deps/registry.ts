import { FirestoreRegistry } from '../adapters/firestore-registry.js';
import type { Factory } from './factory.js';
import { firestoreOf } from './firestore.js';

export const registry: Factory<'registry'> = ({ config, clock }) => new FirestoreRegistry(firestoreOf(config), clock, config.registryTtlMs);
