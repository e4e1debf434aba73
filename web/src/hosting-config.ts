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
    /** The demo users (dev/seed-data.ts), which the sign-in page lists so that anyone can sign in as each role. */
    demoUsers?: DemoAccount[];
  };
}

/** A demo user as the sign-in page shows it. Local stack only: production's init.json has no `emulators`. */
export interface DemoAccount {
  email: string;
  name: string;
  role: 'customer' | 'engineer' | 'partner';
  /** A customer's org, a partner user's partner: its name. */
  organization?: string;
  /** A customer's org's support plan (`enhanced`, …): only enhanced, premium and partner_premium may open cases. */
  plan?: string;
}
