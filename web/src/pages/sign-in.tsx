import { useState } from 'preact/hooks';
import type { Backend } from '../firebase.js';
import { PageHeading, Shell } from '../ui/shell.js';

/**
 * Sign-in: email and password (the Authentication emulator locally; Identity Platform in production),
 * and Google sign-in where the project has it. The fields are labelled "Email" and "Password".
 */
export function SignInPage(props: { backend: Backend }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setProblem(!email.trim() ? 'Enter your email address' : 'Enter your password');
      return;
    }
    setPending(true);
    setProblem(null);
    try {
      await props.backend.signIn(email.trim(), password);
    } catch (error) {
      setProblem(signInProblem(error));
    } finally {
      setPending(false);
    }
  };

  return (
    <Shell person={null} title="Sign in">
      <div class="narrow">
        <PageHeading>Sign in to Tandem</PageHeading>
        <p>Third-party technology support on Google Cloud, for customers, Customer Care engineers and technology partners.</p>
        {problem && (
          <div class="error-summary" role="alert">
            <p>{problem}</p>
          </div>
        )}
        <form class="form" onSubmit={submit} noValidate aria-label="Sign in">
          <div class="field">
            <label for="sign-in-email">Email</label>
            <input id="sign-in-email" type="email" autocomplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="sign-in-password">Password</label>
            <input id="sign-in-password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
          <div class="form__actions">
            <button type="submit" class="button" aria-disabled={pending}>
              {pending ? 'Signing in…' : 'Sign in'}
            </button>
          </div>
        </form>
        {!props.backend.emulated && (
          <p>
            <button type="button" class="button button--secondary" onClick={() => void props.backend.signInWithGoogle().catch((error: unknown) => setProblem(signInProblem(error)))}>
              Sign in with Google
            </button>
          </p>
        )}
        {props.backend.demoPassword && (
          <p class="note">
            This is the local stack: the demo users that <code>npm start</code> printed sign in with the password <code>{props.backend.demoPassword}</code>.
          </p>
        )}
      </div>
    </Shell>
  );
}

function signInProblem(error: unknown): string {
  const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
  if (['auth/invalid-credential', 'auth/wrong-password', 'auth/user-not-found', 'auth/invalid-email'].includes(code)) return 'That email and password do not match an account. Check them and try again.';
  if (code === 'auth/too-many-requests') return 'Too many attempts. Wait a minute, then try again.';
  if (code === 'auth/network-request-failed') return 'Tandem could not reach the sign-in service. Check your connection and try again.';
  if (code === 'auth/popup-closed-by-user') return 'The Google sign-in window was closed before it finished.';
  return 'Signing in did not work. Try again in a moment.';
}
