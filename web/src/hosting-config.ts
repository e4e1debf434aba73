/**
 * What `/__/firebase/init.json` serves: Firebase Hosting's config for the project (in production,
 * Hosting writes it), plus, on the local stack only, where the emulators are. Shared by the app and
 * the local stack that serves it, so it imports nothing.
 */
export interface HostingConfig {
  projectId: string;
  apiKey: string;
  authDomain?: string;
  appId?: string;
  emulators?: {
    /** The Authentication emulator, as a URL: http://127.0.0.1:9099. */
    authUrl: string;
    firestoreHost: string;
    firestorePort: number;
    /** The demo users' password, which the sign-in page shows. */
    demoPassword?: string;
    /** The stack's controllable clock (`GET /_dev/clock`): the app's "now" follows it. */
    clockUrl?: string;
  };
}
