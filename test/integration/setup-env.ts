import { inject } from 'vitest';

// The client libraries find the emulators through these variables; set them before any client exists.
process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreHost');
process.env.PUBSUB_EMULATOR_HOST = inject('pubsubHost');
process.env.FIREBASE_AUTH_EMULATOR_HOST = inject('authHost'); // firebase-admin, and the local stack in e2e
process.env.GOOGLE_CLOUD_PROJECT = inject('projectId');
process.env.METADATA_SERVER_DETECTION = 'none'; // no metadata server here; stops the auth library probing for one
