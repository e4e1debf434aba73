/**
 * `npm run token -- <email> [password]`: signs in to the Firebase Authentication emulator as a user
 * (default password: the demo users') and prints the ID token, alone on stdout, for
 * `curl -H "Authorization: Bearer $TOKEN"`. Who it is for and how long it lasts go to stderr.
 * Reads FIREBASE_AUTH_EMULATOR_HOST (default 127.0.0.1:9099) and GOOGLE_CLOUD_PROJECT (default
 * demo-tandem) as `npm start` does. Emulator only: its tokens are unsigned.
 */
import { AuthEmulatorError, DEFAULT_AUTH_EMULATOR_HOST, idTokenFor } from './auth-emulator-api.js';
import { describeClaims } from './claims.js';
import { DEMO_PASSWORD } from './seed-data.js';

const [email, password, ...rest] = process.argv.slice(2);
if (!email || email === '--help' || email === '-h' || rest.length > 0) {
  process.stderr.write(
    'Usage: npm run -s token -- <email> [password]\n' +
      `  Prints an ID token from the Authentication emulator (password default: ${DEMO_PASSWORD}, the demo users').\n` +
      '  TOKEN=$(npm run -s token -- ada@globex.example)\n',
  );
  process.exit(email ? 0 : 2);
}

const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? DEFAULT_AUTH_EMULATOR_HOST;
const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? 'demo-tandem';
try {
  const signedIn = await idTokenFor({ authHost, projectId, email, password });
  process.stdout.write(`${signedIn.idToken}\n`);
  process.stderr.write(
    `ID token for ${email} (uid ${signedIn.uid}, ${describeClaims(signedIn.claims)}), project ${projectId}, valid ${Math.round(signedIn.expiresInSeconds / 60)} minutes.\n` +
      (projectId.startsWith('demo-') ? '' : `Note: ${projectId} is not a demo- project; Tandem accepts unsigned emulator tokens only for a demo- project.\n`),
  );
} catch (error) {
  process.stderr.write(`${error instanceof AuthEmulatorError ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
}
