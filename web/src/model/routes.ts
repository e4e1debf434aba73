/**
 * The app's paths, all under `/app/`: `/app/` (sign-in, then the person's home), `/app/cases/new`
 * (a customer opens a case) and `/app/cases/{caseId}` (a case page). Links change the path with the
 * History API; the server answers every `/app/…` path with the same page, so a reload or a link in
 * an email lands in the same place.
 */
export type Route = { page: 'home' } | { page: 'new-case' } | { page: 'case'; caseId: string } | { page: 'not-found'; path: string };

export const BASE = '/app';

export function routeOf(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '');
  if (path === BASE || path === '') return { page: 'home' };
  if (path === `${BASE}/cases/new`) return { page: 'new-case' };
  const match = /^\/app\/cases\/([A-Za-z0-9_-]{1,128})$/.exec(path);
  if (match?.[1]) return { page: 'case', caseId: match[1] };
  return { page: 'not-found', path: pathname };
}

export const casePath = (caseId: string): string => `${BASE}/cases/${caseId}`;
