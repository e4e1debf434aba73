import type { Firestore } from '@google-cloud/firestore';
import { createFirestore } from '../adapters/firestore-case-store.js';
import type { Config } from '../config.js';

const clients = new WeakMap<Config, Firestore>();

/** The one Firestore client of an instance (the case store and the registry share it), made on first use. */
export function firestoreOf(config: Config): Firestore {
  let db = clients.get(config);
  if (!db) clients.set(config, (db = createFirestore(config.projectId)));
  return db;
}
