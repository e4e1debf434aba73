import type { Person } from '../firebase.js';
import { PageHeading, Shell } from '../ui/shell.js';

/** Placeholder; the customer portal's intake form replaces it. */
export function NewCasePage(props: { person: Person; onSignOut: () => void }) {
  return (
    <Shell {...props} title="Open a case">
      <PageHeading>Open a case</PageHeading>
    </Shell>
  );
}
