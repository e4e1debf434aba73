import type { Person } from '../firebase.js';
import { BASE, Link } from '../router.js';
import { PageHeading, Shell } from '../ui/shell.js';

type ShellProps = { person: Person; onSignOut: () => void };

export function NotFoundPage(props: ShellProps & { path: string }) {
  return (
    <Shell {...props} title="Page not found">
      <PageHeading>Page not found</PageHeading>
      <p>
        There is nothing at <code>{props.path}</code>. <Link href={`${BASE}/`}>Go to your cases</Link>.
      </p>
    </Shell>
  );
}

/** Signed in, but Tandem's user tooling gave the account no role: it may see nothing yet. */
export function NoRolePage(props: ShellProps) {
  return (
    <Shell {...props} title="No access yet">
      <PageHeading>Your account has no access yet</PageHeading>
      <p>
        You are signed in as {props.person.email ?? props.person.name}, but this account is not a customer, an engineer or a partner in Tandem. Ask your
        Tandem administrator to give it a role, then sign out and in again.
      </p>
    </Shell>
  );
}
