import { FirestoreCaseStore } from '../adapters/firestore-case-store.js';
import { nextActionAt } from '../domain/followup-policy.js';
import { noticesFor } from '../domain/notification-policy.js';
import type { Factory } from './factory.js';
import { firestoreOf } from './firestore.js';

export const store: Factory<'store'> = ({ config, clock, bus, log }) =>
  new FirestoreCaseStore(firestoreOf(config), {
    schedule: (c) => nextActionAt(c, config.followupPeriods),
    clock,
    bus,
    log,
    announces: (update, next) => noticesFor(update, next).length > 0,
  });
