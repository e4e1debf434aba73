import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from './api.js';
import { AppContextValue, type AppContext } from './app-context.js';
import type { Backend, Person } from './firebase.js';
import { CustomerCasePage } from './pages/customer-case.js';
import { CustomerHome } from './pages/customer-home.js';
import { EngineerCasePage } from './pages/engineer-case.js';
import { EngineerQueue } from './pages/engineer-queue.js';
import { NewCasePage } from './pages/new-case.js';
import { NotFoundPage, NoRolePage } from './pages/not-found.js';
import { PartnerCasePage } from './pages/partner-case.js';
import { PartnerDesk } from './pages/partner-desk.js';
import { SignInPage } from './pages/sign-in.js';
import { routeOf, useLocation, type Route } from './router.js';
import { Shell } from './ui/shell.js';

/**
 * The app: who is signed in decides which of the three it is (the engineer console, the customer
 * portal, the partner desk), and the path decides the page.
 */
export function App(props: { backend: Backend }) {
  const { backend } = props;
  const [person, setPerson] = useState<Person | null | undefined>(undefined);
  useEffect(() => backend.onPerson(setPerson), [backend]);
  const api = useMemo(() => createApi(() => backend.idToken()), [backend]);
  const { pathname } = useLocation();
  // Moving to another page puts the focus on its main heading (or, while it loads, its main region),
  // as a full page load would: otherwise it stays on the link that was just removed, and drops to the body.
  const firstPath = useRef(true);
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    return focusMainHeading();
  }, [pathname]);

  if (person === undefined) {
    return (
      <Shell person={null} title="Loading">
        <p class="loading">Loading Tandem…</p>
      </Shell>
    );
  }
  if (person === null) return <SignInPage backend={backend} />;
  const context: AppContext = { backend, api, person };
  return (
    <AppContextValue.Provider value={context}>
      <Page route={routeOf(pathname)} person={person} signOut={() => void backend.signOut()} />
    </AppContextValue.Provider>
  );
}

function Page(props: { route: Route; person: Person; signOut: () => void }) {
  const { route, person } = props;
  const shell = { person, onSignOut: props.signOut };
  if (!person.role) return <NoRolePage {...shell} />;
  switch (route.page) {
    case 'home':
      if (person.role === 'engineer') return <EngineerQueue {...shell} />;
      if (person.role === 'customer') return <CustomerHome {...shell} />;
      return <PartnerDesk {...shell} />;
    case 'new-case':
      // Customers open cases here; an engineer opening one for an org does it through the API (it needs the org and contact).
      return person.role === 'customer' ? <NewCasePage {...shell} /> : <NotFoundPage {...shell} path={location.pathname} />;
    case 'case':
      if (person.role === 'engineer') return <EngineerCasePage {...shell} caseId={route.caseId} />;
      if (person.role === 'customer') return <CustomerCasePage {...shell} caseId={route.caseId} />;
      return <PartnerCasePage {...shell} caseId={route.caseId} />;
    case 'not-found':
      return <NotFoundPage {...shell} path={route.path} />;
  }
}

/**
 * Focuses the page's main heading once it is there (a case page shows its heading when the case has
 * loaded), unless the person has moved the focus themselves meanwhile. Gives up after a few seconds.
 */
function focusMainHeading(): () => void {
  const untouched = () => document.activeElement === document.body || document.activeElement === document.getElementById('main') || !document.activeElement;
  const tryFocus = () => {
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading && untouched()) heading.focus();
    return Boolean(heading);
  };
  if (tryFocus()) return () => {};
  document.getElementById('main')?.focus();
  const observer = new MutationObserver(() => tryFocus() && observer.disconnect());
  observer.observe(document.body, { childList: true, subtree: true });
  const timer = setTimeout(() => observer.disconnect(), 5_000);
  return () => {
    observer.disconnect();
    clearTimeout(timer);
  };
}

