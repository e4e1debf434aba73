import { useRef, useState } from 'preact/hooks';
import type { Backend, DemoAccount } from '../firebase.js';
import { ROLE_APP_NAMES } from '../model/words.js';
import { PageHeading, Shell } from '../ui/shell.js';

/**
 * Sign-in: email and password (the Authentication emulator locally; Identity Platform in production),
 * and Google sign-in where the project has it. The fields are labelled "Email" and "Password".
 * On the local stack it also lists the demo users by role, each with a button that fills in the form
 * (it does not sign in: the person sees what is sent, and presses Sign in).
 */
export function SignInPage(props: { backend: Backend }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const signInButton = useRef<HTMLButtonElement>(null);

  const useAccount = (account: DemoAccount) => {
    setEmail(account.email);
    setPassword(props.backend.demoPassword ?? '');
    setProblem(null);
    // On to the button that sends it: Enter or Space signs in.
    signInButton.current?.focus();
  };

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
      <div class="sign-in">
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
              <button type="submit" class="button" aria-disabled={pending} ref={signInButton}>
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
          {props.backend.demoUsers.length === 0 && props.backend.demoPassword && (
            <p class="note">
              This is the local stack: the demo users that <code>npm start</code> printed sign in with the password <code>{props.backend.demoPassword}</code>.
            </p>
          )}
        </div>
        {props.backend.demoUsers.length > 0 && <DemoAccounts accounts={props.backend.demoUsers} password={props.backend.demoPassword} onUse={useAccount} />}
      </div>
    </Shell>
  );
}

const GROUPS = [
  { role: 'customer', heading: 'Customers', app: ROLE_APP_NAMES.customer },
  { role: 'engineer', heading: 'Customer Care engineers', app: ROLE_APP_NAMES.engineer },
  { role: 'partner', heading: 'Technology partners', app: ROLE_APP_NAMES.partner },
] as const;

/** Plans that include third-party technology support: a customer on another may sign in, not open cases. */
const ENTITLED_PLANS = ['enhanced', 'premium', 'partner_premium'];
/** `partner_premium` → "Partner Premium Support", as the plans are named to customers. */
const planWords = (plan: string) => `${plan.split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ')} Support`;

function DemoAccounts(props: { accounts: readonly DemoAccount[]; password: string | null; onUse: (account: DemoAccount) => void }) {
  return (
    <section class="demo-accounts" aria-labelledby="demo-accounts-heading">
      <h2 id="demo-accounts-heading">Demo accounts</h2>
      <p class="note">
        This is the local stack{props.password && <>: every demo account signs in with the password <code>{props.password}</code></>}. Choose an
        account to fill in the form, then sign in.
      </p>
      {GROUPS.map((group) => {
        const accounts = props.accounts.filter((account) => account.role === group.role);
        if (accounts.length === 0) return null;
        return (
          <div key={group.role} class="demo-accounts__group">
            <h3 id={`demo-accounts-${group.role}`}>
              {group.heading} <span class="demo-accounts__app">({group.app})</span>
            </h3>
            <ul class="demo-accounts__list" aria-labelledby={`demo-accounts-${group.role}`}>
              {accounts.map((account) => (
                <li key={account.email} class="demo-account">
                  <span class="demo-account__who">
                    <strong>{account.name}</strong>
                    {account.organization && <>, {account.organization}</>}
                    {account.plan && (
                      <span class="demo-account__plan">
                        {' '}
                        ({planWords(account.plan)}
                        {!ENTITLED_PLANS.includes(account.plan) && ': may not open cases'})
                      </span>
                    )}
                    <span class="demo-account__email">{account.email}</span>
                  </span>
                  <button type="button" class="button button--secondary demo-account__use" onClick={() => props.onUse(account)}>
                    Use this account<span class="visually-hidden">: {account.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
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
