import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Person } from '../firebase.js';
import { ROLE_APP_NAMES } from '../model/words.js';
import { BASE, Link } from '../router.js';

/**
 * Every page's frame: a skip link, the header (which app this is, who is signed in, sign out), and
 * the page's main region. The page's title becomes the document's title; App moves the focus when
 * the path changes.
 */
export function Shell(props: { person: Person | null; onSignOut?: () => void; title: string; children: ComponentChildren }) {
  const { person } = props;
  useEffect(() => {
    document.title = `${props.title} — Tandem`;
  }, [props.title]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="header">
        <div class="header__inner">
          <Link href={`${BASE}/`} class="header__brand">
            Tandem{person?.role && <span class="header__app"> · {ROLE_APP_NAMES[person.role]}</span>}
          </Link>
          {person && (
            <nav aria-label="Account" class="header__account">
              <span class="header__who">
                {person.name}
                {person.email && person.email !== person.name && <span class="header__email"> ({person.email})</span>}
              </span>
              <button type="button" class="button button--quiet" onClick={props.onSignOut}>
                Sign out
              </button>
            </nav>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} class="main">
        {props.children}
      </main>
    </>
  );
}

/** A page's main heading; focusable so the shell can move the focus to it. */
export function PageHeading(props: { children: ComponentChildren; id?: string }) {
  return (
    <h1 tabIndex={-1} id={props.id}>
      {props.children}
    </h1>
  );
}
