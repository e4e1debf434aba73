import { render } from 'preact';
import { App } from './app.js';
import { connectBackend } from './firebase.js';
import type { HostingConfig } from './hosting-config.js';
import { followClock } from './live.js';

/**
 * Starts the app with the Firebase config the origin serves at `/__/firebase/init.json`: Firebase
 * Hosting's own in production, the local stack's (pointing at the emulators) on `npm start`.
 */
const root = document.getElementById('app')!;
// The static "Loading" line goes: Preact renders into an empty root.
root.textContent = '';
try {
  const response = await fetch('/__/firebase/init.json');
  if (!response.ok) throw new Error(`init.json answered ${response.status}`);
  const config = (await response.json()) as HostingConfig;
  if (config.emulators?.clockUrl) followClock(config.emulators.clockUrl);
  render(<App backend={connectBackend(config)} />, root);
} catch {
  root.innerHTML = '<main class="main"><h1>Tandem could not start</h1><p>Its configuration could not be loaded. Reload the page in a moment.</p></main>';
}
